/* gongkai.load._cnodes: libyaml events -> the node tree of gongkai.load.nodes, in C.
 *
 * The fast path only. It builds exactly the tree that nodes._build builds (same classes, values, styles,
 * 1-based lines and columns) for ordinary documents, and gives up on everything else: a parser error, an
 * anchor, an alias, any tag, a plain "<<" key, a second document, nesting or size over the limits, or a
 * failed allocation. Giving up means returning the module's FALLBACK object, and the caller then runs the
 * Python builder on the same text, which reports the slip in its own words. No exception ever leaves build().
 *
 * Nodes are instances of the classes passed to configure() (the dataclasses of nodes.py). When those classes
 * keep their fields in __slots__ (member descriptors of object type) and have no __post_init__, a node is
 * allocated with the class's tp_alloc and its fields are stored directly at the descriptors' offsets (what the
 * dataclass's __init__ would do, without running Python code); otherwise the class is called.
 */

#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <structmember.h>
#include <yaml.h>

#ifndef Py_T_OBJECT_EX
#define Py_T_OBJECT_EX T_OBJECT_EX
#endif

enum { K_SCALAR, K_MAPPING, K_SEQUENCE, K_COUNT };

static const char *const FIELDS[K_COUNT][4] = {
    {"value", "style", "line", "col"},
    {"line", "col", "items", NULL},
    {"line", "col", "items", NULL},
};

typedef struct {
    PyTypeObject *type;    /* strong reference, or NULL before configure() */
    int direct;            /* 1: allocate and fill the slots; 0: call the class */
    Py_ssize_t offset[4];  /* byte offsets of the fields (direct only) */
} NodeClass;

static NodeClass classes[K_COUNT];
static PyObject *FALLBACK;                          /* the "run the Python builder" answer */
static PyObject *STYLE_DQ, *STYLE_SQ, *STYLE_LIT, *STYLE_FOLD;
static PyObject *EMPTY_TUPLE;

/* The offset of a field kept in __slots__ as an object member of instances of type, or -1. */
static Py_ssize_t
slot_offset(PyTypeObject *type, const char *name)
{
    PyObject *descr = PyObject_GetAttrString((PyObject *)type, name);  /* a member descriptor returns itself */
    Py_ssize_t offset = -1;
    if (descr == NULL) {
        PyErr_Clear();
        return -1;
    }
    if (Py_IS_TYPE(descr, &PyMemberDescr_Type) &&
        PyType_IsSubtype(type, ((PyMemberDescrObject *)descr)->d_common.d_type)) {
        PyMemberDef *member = ((PyMemberDescrObject *)descr)->d_member;
        if (member->type == Py_T_OBJECT_EX && !(member->flags & READONLY) && member->offset > 0 &&
            member->offset + (Py_ssize_t)sizeof(PyObject *) <= type->tp_basicsize) {
            offset = member->offset;
        }
    }
    Py_DECREF(descr);
    return offset;
}

static PyObject *
configure(PyObject *module, PyObject *args)
{
    PyObject *types[K_COUNT];
    if (!PyArg_ParseTuple(args, "O!O!O!:configure", &PyType_Type, &types[0], &PyType_Type, &types[1],
                          &PyType_Type, &types[2])) {
        return NULL;
    }
    for (int k = 0; k < K_COUNT; k++) {
        PyTypeObject *type = (PyTypeObject *)types[k];
        NodeClass nc = {type, 1, {0, 0, 0, 0}};
        /* direct filling needs: fields in slots only (no __dict__), plain object allocation, no own __new__ */
        if (type->tp_dictoffset != 0 || type->tp_alloc == NULL || type->tp_new != PyBaseObject_Type.tp_new ||
            (type->tp_flags & Py_TPFLAGS_IS_ABSTRACT)) {
            nc.direct = 0;
        }
        /* a class that checks or derives something on construction must be called */
        int post_init = PyObject_HasAttrString((PyObject *)type, "__post_init__");
        if (post_init != 0) {
            nc.direct = 0;
        }
        for (int f = 0; f < 4 && FIELDS[k][f] != NULL && nc.direct; f++) {
            nc.offset[f] = slot_offset(type, FIELDS[k][f]);
            if (nc.offset[f] < 0) {
                nc.direct = 0;
            }
        }
        Py_INCREF(type);
        Py_XSETREF(classes[k].type, type);
        classes[k].direct = nc.direct;
        memcpy(classes[k].offset, nc.offset, sizeof nc.offset);
    }
    return PyBool_FromLong(classes[0].direct && classes[1].direct && classes[2].direct);
}

/* A new node of class k from n field values (references stolen, all non-NULL), or NULL on error. */
static PyObject *
new_node(int k, PyObject **values, int n)
{
    NodeClass *nc = &classes[k];
    PyObject *node;
    if (nc->direct) {
        node = nc->type->tp_alloc(nc->type, 0);
        if (node != NULL) {
            for (int f = 0; f < n; f++) {
                *(PyObject **)((char *)node + nc->offset[f]) = values[f];
            }
            return node;
        }
    }
    else {
        node = PyObject_Vectorcall((PyObject *)nc->type, values, n, NULL);
    }
    for (int f = 0; f < n; f++) {
        Py_DECREF(values[f]);
    }
    return node;
}

/* line and col (0-based marks) -> values[0], values[1]; 0 on error */
static int
position(yaml_mark_t mark, PyObject **values)
{
    values[0] = PyLong_FromSize_t(mark.line + 1);
    if (values[0] == NULL) {
        return 0;
    }
    values[1] = PyLong_FromSize_t(mark.column + 1);
    if (values[1] == NULL) {
        Py_CLEAR(values[0]);
        return 0;
    }
    return 1;
}

static PyObject *
scalar_node(yaml_event_t *event)
{
    PyObject *values[4];
    values[0] = PyUnicode_DecodeUTF8((const char *)event->data.scalar.value,
                                     (Py_ssize_t)event->data.scalar.length, "strict");
    if (values[0] == NULL) {
        return NULL;
    }
    switch (event->data.scalar.style) {
    case YAML_SINGLE_QUOTED_SCALAR_STYLE: values[1] = STYLE_SQ; break;
    case YAML_DOUBLE_QUOTED_SCALAR_STYLE: values[1] = STYLE_DQ; break;
    case YAML_LITERAL_SCALAR_STYLE: values[1] = STYLE_LIT; break;
    case YAML_FOLDED_SCALAR_STYLE: values[1] = STYLE_FOLD; break;
    default: values[1] = Py_None; break;
    }
    Py_INCREF(values[1]);
    if (!position(event->start_mark, values + 2)) {
        Py_DECREF(values[0]);
        Py_DECREF(values[1]);
        return NULL;
    }
    return new_node(K_SCALAR, values, 4);
}

/* a Mapping or Sequence with an empty items list; *items is set to that list (borrowed) */
static PyObject *
collection_node(int k, yaml_event_t *event, PyObject **items)
{
    PyObject *values[3];
    if (!position(event->start_mark, values)) {
        return NULL;
    }
    values[2] = PyList_New(0);
    if (values[2] == NULL) {
        Py_DECREF(values[0]);
        Py_DECREF(values[1]);
        return NULL;
    }
    *items = values[2];
    PyObject *node = new_node(k, values, 3);
    if (node != NULL && !classes[k].direct) {
        /* the class was called: take the list it really holds */
        PyObject *held = PyObject_GetAttrString(node, "items");
        if (held == NULL || !PyList_CheckExact(held)) {
            Py_XDECREF(held);
            Py_DECREF(node);
            return NULL;
        }
        *items = held;
        Py_DECREF(held);  /* the node keeps it alive */
    }
    return node;
}

typedef struct {
    PyObject *items;  /* borrowed: the open collection's items list (kept alive by the tree) */
    PyObject *key;    /* owned: a mapping key waiting for its value, or NULL */
    int is_sequence;
} Frame;

static PyObject *
build(PyObject *module, PyObject *const *args, Py_ssize_t nargs)
{
    if (nargs != 3 || !(PyUnicode_Check(args[0]) || PyBytes_Check(args[0]))) {
        PyErr_SetString(PyExc_TypeError, "build(text: str | bytes, max_depth: int, max_nodes: int)");
        return NULL;
    }
    Py_ssize_t max_depth = PyLong_AsSsize_t(args[1]);
    Py_ssize_t max_nodes = PyLong_AsSsize_t(args[2]);
    if ((max_depth == -1 || max_nodes == -1) && PyErr_Occurred()) {
        return NULL;
    }
    if (classes[0].type == NULL || max_depth < 0 || max_depth > 100000 || max_nodes < 0) {
        Py_INCREF(FALLBACK);  /* not configured or odd limits: not a case for this module */
        return FALLBACK;
    }

    PyObject *encoded = NULL;
    const char *data;
    Py_ssize_t size;
    if (PyBytes_Check(args[0])) {
        /* the file's bytes as read: libyaml checks they are UTF-8 without control characters (it gives up on
           anything else, and the caller then decodes the text and reports); UTF-16 is the caller's to exclude */
        data = PyBytes_AS_STRING(args[0]);
        size = PyBytes_GET_SIZE(args[0]);
    }
    else if (PyUnicode_IS_COMPACT_ASCII(args[0])) {
        data = (const char *)PyUnicode_DATA(args[0]);
        size = PyUnicode_GET_LENGTH(args[0]);
    }
    else {
        encoded = PyUnicode_AsUTF8String(args[0]);  /* a temporary copy, not cached on the text */
        if (encoded == NULL) {
            PyErr_Clear();
            Py_INCREF(FALLBACK);
            return FALLBACK;
        }
        data = PyBytes_AS_STRING(encoded);
        size = PyBytes_GET_SIZE(encoded);
    }

    Frame *frames = PyMem_Malloc(sizeof(Frame) * (size_t)(max_depth + 1));
    yaml_parser_t parser;
    int parser_ready = 0;
    PyObject *root = NULL;
    Py_ssize_t depth = 0, count = 0;
    int documents = 0, ok = 0;

    if (frames == NULL || !yaml_parser_initialize(&parser)) {
        goto done;
    }
    parser_ready = 1;
    yaml_parser_set_input_string(&parser, (const unsigned char *)data, (size_t)size);

    for (;;) {
        yaml_event_t event;
        if (!yaml_parser_parse(&parser, &event)) {
            goto done;
        }
        int give_up = 0, finished = 0;
        PyObject *node = NULL, *items = NULL;
        int kind = -1;
        switch (event.type) {
        case YAML_SCALAR_EVENT:
            if (event.data.scalar.anchor != NULL || event.data.scalar.tag != NULL) {
                give_up = 1;
            }
            kind = K_SCALAR;
            break;
        case YAML_MAPPING_START_EVENT:
            if (event.data.mapping_start.anchor != NULL || event.data.mapping_start.tag != NULL) {
                give_up = 1;
            }
            kind = K_MAPPING;
            break;
        case YAML_SEQUENCE_START_EVENT:
            if (event.data.sequence_start.anchor != NULL || event.data.sequence_start.tag != NULL) {
                give_up = 1;
            }
            kind = K_SEQUENCE;
            break;
        case YAML_MAPPING_END_EVENT:
        case YAML_SEQUENCE_END_EVENT:
            if (depth == 0) {
                give_up = 1;
            }
            else {
                depth--;
                Py_CLEAR(frames[depth].key);  /* always NULL after a well-formed mapping */
            }
            break;
        case YAML_DOCUMENT_START_EVENT:
            if (++documents > 1) {
                give_up = 1;
            }
            break;
        case YAML_STREAM_END_EVENT:
            finished = 1;
            break;
        case YAML_ALIAS_EVENT:
        case YAML_NO_EVENT:
            give_up = 1;
            break;
        default:  /* stream start, document end */
            break;
        }
        if (kind >= 0 && !give_up) {
            if (++count > max_nodes) {
                give_up = 1;
            }
            else if (kind == K_SCALAR) {
                /* a plain "<<" where a mapping key goes is a merge key: the Python builder refuses it */
                if (depth > 0 && !frames[depth - 1].is_sequence && frames[depth - 1].key == NULL &&
                    event.data.scalar.style == YAML_PLAIN_SCALAR_STYLE && event.data.scalar.length == 2 &&
                    event.data.scalar.value[0] == '<' && event.data.scalar.value[1] == '<') {
                    give_up = 1;
                }
                else {
                    node = scalar_node(&event);
                }
            }
            else {
                node = collection_node(kind, &event, &items);
            }
        }
        yaml_event_delete(&event);
        if (give_up || finished) {
            ok = finished;
            break;
        }
        if (kind < 0) {
            continue;
        }
        if (node == NULL) {
            goto done;
        }
        /* attach the node (the reference to node moves into the tree) */
        if (depth == 0) {
            if (root != NULL) {  /* a second top-level node cannot happen in one document */
                Py_DECREF(node);
                goto done;
            }
            root = node;
        }
        else {
            Frame *top = &frames[depth - 1];
            if (top->is_sequence) {
                int failed = PyList_Append(top->items, node);
                Py_DECREF(node);
                if (failed) {
                    goto done;
                }
            }
            else if (top->key == NULL) {
                top->key = node;
            }
            else {
                PyObject *pair = PyTuple_New(2);
                if (pair == NULL) {
                    Py_DECREF(node);
                    goto done;
                }
                PyTuple_SET_ITEM(pair, 0, top->key);
                PyTuple_SET_ITEM(pair, 1, node);
                top->key = NULL;
                int failed = PyList_Append(top->items, pair);
                Py_DECREF(pair);
                if (failed) {
                    goto done;
                }
            }
        }
        if (kind != K_SCALAR) {
            if (depth >= max_depth) {
                goto done;
            }
            frames[depth].items = items;
            frames[depth].key = NULL;
            frames[depth].is_sequence = (kind == K_SEQUENCE);
            depth++;
        }
    }

done:
    if (parser_ready) {
        yaml_parser_delete(&parser);
    }
    if (frames != NULL) {
        for (Py_ssize_t i = 0; i < depth; i++) {
            Py_XDECREF(frames[i].key);
        }
        PyMem_Free(frames);
    }
    Py_XDECREF(encoded);
    if (ok && depth == 0) {
        if (root == NULL) {
            Py_RETURN_NONE;
        }
        return root;
    }
    Py_XDECREF(root);
    PyErr_Clear();  /* a failed allocation: the Python builder decides what to say */
    Py_INCREF(FALLBACK);
    return FALLBACK;
}


/* ------------------------------------------------------------------ conversion (gongkai.load.schema.convert)
 *
 * convert(plan, node, ctx) builds the model a mapping node describes, exactly as schema._convert does, for the
 * common case only: every key a plain known text written once, no required value missing or null, and every value
 * read by its type's quick path, by a nested model or list handled here, or by the type's own convert (called
 * here as Python would call it) without being refused. On anything else (an unknown or repeated key, a null
 * where a value is required, a value refused, a list entry that may be a run-together list...) it answers
 * FALLBACK, and schema.convert drops the problems reported meanwhile and converts the mapping in Python, which
 * words every problem. The plans are tuples compiled by schema._cplan (see there for their shape).
 */

#include <datetime.h>

enum { Q_NONE, Q_PRINTABLE, Q_TEXT, Q_ENUM, Q_INT, Q_DATE, Q_CALL, Q_MONEY };
enum { S_GENERIC, S_OBJ, S_LIST };
/* a model plan: (cls, keys {key: index}, fields, required indexes, validates, init or None) */
enum { P_CLS, P_KEYS, P_FIELDS, P_REQUIRED, P_VALIDATES, P_INIT, P_SIZE };
/* init: how the dataclass's own __init__ fills a new object, done here without running it: (cls, fields), each
   field (name, default, default factory or None, index of the value given or -1), in the order of the class */
enum { I_NAME, I_DEFAULT, I_FACTORY, I_INDEX, I_SIZE };
/* a field: (name, qkind, type, quick, qarg, skind, sarg, required) */
enum { F_NAME, F_QKIND, F_TYPE, F_QUICK, F_QARG, F_SKIND, F_SARG, F_REQUIRED, F_SIZE };
/* a list: (item type, qkind, quick, qarg, slips, model plan or None, row list or None) */
enum { L_TYPE, L_QKIND, L_QUICK, L_QARG, L_SLIPS, L_MODEL, L_ROW, L_SIZE };

static PyObject *CV_SRC, *CV_POSLIST, *CV_INVALID;  /* strong references, set by configure_convert() */
static PyObject *CV_SRC_INIT;  /* the init of Src (values by position: path, line, col, pos, invalid), or None */
static PyObject *S_SRC, *S_LOCS, *S_IDX, *S_COMPLETE, *S_VALIDATE, *S_CONVERT, *S_PATH;
static int converting_ready;

#define BAIL NULL  /* returned without an exception set: not a case for the C path */
#define NF(node, k, f) (*(PyObject **)((char *)(node) + classes[k].offset[f]))

static PyObject *
configure_convert(PyObject *module, PyObject *args)
{
    PyObject *src, *poslist, *invalid, *src_init;
    if (!PyArg_ParseTuple(args, "O!O!OO:configure_convert", &PyType_Type, &src, &PyType_Type, &poslist, &invalid,
                          &src_init)) {
        return NULL;
    }
    Py_INCREF(src_init);
    Py_XSETREF(CV_SRC_INIT, src_init);
    if (!PyType_IsSubtype((PyTypeObject *)poslist, &PyList_Type)) {
        PyErr_SetString(PyExc_TypeError, "PosList must be a list type");
        return NULL;
    }
    Py_INCREF(src);
    Py_XSETREF(CV_SRC, src);
    Py_INCREF(poslist);
    Py_XSETREF(CV_POSLIST, poslist);
    Py_INCREF(invalid);
    Py_XSETREF(CV_INVALID, invalid);
    converting_ready = classes[0].type != NULL && classes[0].direct && classes[1].direct && classes[2].direct;
    return PyBool_FromLong(converting_ready);
}

/* the style of a scalar node: 0 plain (None or ''), 1 quoted, 2 block (| or >), -1 something else */
static int
style_of(PyObject *style)
{
    if (style == Py_None) {
        return 0;
    }
    if (!PyUnicode_CheckExact(style) || PyUnicode_READY(style) < 0) {
        return -1;
    }
    Py_ssize_t n = PyUnicode_GET_LENGTH(style);
    if (n == 0) {
        return 0;
    }
    if (n == 1) {
        Py_UCS4 c = PyUnicode_READ_CHAR(style, 0);
        if (c == '|' || c == '>') {
            return 2;
        }
    }
    return 1;
}

/* text in nodes.NULLS */
static int
is_null_text(PyObject *text)
{
    Py_ssize_t n = PyUnicode_GET_LENGTH(text);
    if (n == 0) {
        return 1;
    }
    if (!PyUnicode_IS_ASCII(text) || (n != 1 && n != 4)) {
        return 0;
    }
    const char *p = (const char *)PyUnicode_1BYTE_DATA(text);
    if (n == 1) {
        return p[0] == '~';
    }
    return memcmp(p, "null", 4) == 0 || memcmp(p, "Null", 4) == 0 || memcmp(p, "NULL", 4) == 0;
}

/* str.isprintable() */
static int
is_printable(PyObject *text)
{
    Py_ssize_t n = PyUnicode_GET_LENGTH(text);
    if (PyUnicode_IS_ASCII(text)) {
        const unsigned char *p = PyUnicode_1BYTE_DATA(text);
        for (Py_ssize_t i = 0; i < n; i++) {
            if (p[i] < 0x20 || p[i] == 0x7f) {
                return 0;
            }
        }
        return 1;
    }
    int kind = PyUnicode_KIND(text);
    const void *data = PyUnicode_DATA(text);
    for (Py_ssize_t i = 0; i < n; i++) {
        if (!Py_UNICODE_ISPRINTABLE(PyUnicode_READ(kind, data, i))) {
            return 0;
        }
    }
    return 1;
}

/* a character of schema._ANY_SEPARATOR in text */
static int
has_separator(PyObject *text)
{
    Py_ssize_t n = PyUnicode_GET_LENGTH(text);
    int kind = PyUnicode_KIND(text);
    const void *data = PyUnicode_DATA(text);
    for (Py_ssize_t i = 0; i < n; i++) {
        Py_UCS4 c = PyUnicode_READ(kind, data, i);
        if (c == ',' || c == ';' || c == 0xFF0C || c == 0x3001 || c == 0xFF1B) {
            return 1;
        }
    }
    return 0;
}

/* the ASCII digits p[0..n) as a number, or -1 when one is not a digit */
static long long
digits(const char *p, Py_ssize_t n)
{
    long long v = 0;
    for (Py_ssize_t i = 0; i < n; i++) {
        if (p[i] < '0' || p[i] > '9') {
            return -1;
        }
        v = v * 10 + (p[i] - '0');
    }
    return v;
}

/* scalars.quick_date: YYYY-MM-DD, a real day with a year within qarg = (lo, hi) */
static PyObject *
quick_date(PyObject *text, PyObject *qarg)
{
    if (PyUnicode_GET_LENGTH(text) != 10 || !PyUnicode_IS_ASCII(text)) {
        return BAIL;
    }
    const char *p = (const char *)PyUnicode_1BYTE_DATA(text);
    if (p[4] != '-' || p[7] != '-') {
        return BAIL;
    }
    long long y = digits(p, 4), m = digits(p + 5, 2), d = digits(p + 8, 2);
    if (y < 0 || m < 0 || d < 0) {
        return BAIL;
    }
    long long lo = PyLong_AsLongLong(PyTuple_GET_ITEM(qarg, 0)), hi = PyLong_AsLongLong(PyTuple_GET_ITEM(qarg, 1));
    if (PyErr_Occurred()) {
        return NULL;
    }
    if (y < lo || y > hi || m < 1 || m > 12 || d < 1) {
        return BAIL;
    }
    static const int days[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    if (d > days[m - 1] + (m == 2 && leap)) {
        return BAIL;
    }
    return PyDate_FromDate((int)y, (int)m, (int)d);
}

/* Int._quick: up to 18 ASCII digits, within qarg = (lo, hi) */
static PyObject *
quick_int(PyObject *text, PyObject *qarg)
{
    Py_ssize_t n = PyUnicode_GET_LENGTH(text);
    if (n == 0 || n > 18 || !PyUnicode_IS_ASCII(text)) {
        return BAIL;
    }
    long long v = digits((const char *)PyUnicode_1BYTE_DATA(text), n);
    if (v < 0) {
        return BAIL;
    }
    PyObject *lo = PyTuple_GET_ITEM(qarg, 0), *hi = PyTuple_GET_ITEM(qarg, 1);
    int overflow;
    long long l = PyLong_AsLongLongAndOverflow(lo, &overflow);
    if (l == -1 && PyErr_Occurred()) {
        return NULL;
    }
    if (overflow > 0 || (overflow == 0 && v < l)) {
        return BAIL;
    }
    long long h = PyLong_AsLongLongAndOverflow(hi, &overflow);
    if (h == -1 && PyErr_Occurred()) {
        return NULL;
    }
    if (overflow < 0 || (overflow == 0 && v > h)) {
        return BAIL;
    }
    return PyLong_FromLongLong(v);
}

/* A new object of the dataclass init describes, filled as its generated __init__ would: each field in order, the
   value given (values[index], borrowed, NULL for none) or the default, or a new one from the default factory.
   The attributes are set as object.__setattr__ sets them (what the generated __init__ does for a frozen class;
   schema._cinit checks that the class has no __setattr__, __new__ or __post_init__ of its own otherwise). */
static PyObject *
new_dataclass(PyObject *init, PyObject **values, Py_ssize_t nvalues)
{
    PyObject *cls = PyTuple_GET_ITEM(init, 0), *fields = PyTuple_GET_ITEM(init, 1);
    PyTypeObject *type = (PyTypeObject *)cls;
    if (!PyType_Check(cls) || type->tp_new != PyBaseObject_Type.tp_new || !PyTuple_CheckExact(fields)) {
        PyErr_SetString(PyExc_TypeError, "not a plain dataclass");
        return NULL;
    }
    PyObject *obj = type->tp_new(type, EMPTY_TUPLE, NULL);
    if (obj == NULL) {
        return NULL;
    }
    for (Py_ssize_t i = 0; i < PyTuple_GET_SIZE(fields); i++) {
        PyObject *field = PyTuple_GET_ITEM(fields, i);
        Py_ssize_t index = PyLong_AsSsize_t(PyTuple_GET_ITEM(field, I_INDEX));
        PyObject *value = index >= 0 && index < nvalues ? values[index] : NULL, *made = NULL;
        if (value == NULL) {
            PyObject *factory = PyTuple_GET_ITEM(field, I_FACTORY);
            if (factory != Py_None) {
                value = made = PyObject_CallNoArgs(factory);
                if (made == NULL) {
                    Py_DECREF(obj);
                    return NULL;
                }
            }
            else {
                value = PyTuple_GET_ITEM(field, I_DEFAULT);
            }
        }
        int failed = PyObject_GenericSetAttr(obj, PyTuple_GET_ITEM(field, I_NAME), value);
        Py_XDECREF(made);
        if (failed < 0) {
            Py_DECREF(obj);
            return NULL;
        }
    }
    return obj;
}

/* schema._quick_money: digits with at most two decimals, within the limit; qarg = (Decimal, MONEY_MAX, longest
   text, the init of Money) */
static PyObject *
quick_money(PyObject *text, PyObject *qarg)
{
    Py_ssize_t n = PyUnicode_GET_LENGTH(text);
    if (!PyUnicode_IS_ASCII(text) || n == 0 || n > PyLong_AsSsize_t(PyTuple_GET_ITEM(qarg, 2))) {
        return PyErr_Occurred() ? NULL : BAIL;
    }
    const char *p = (const char *)PyUnicode_1BYTE_DATA(text);
    Py_ssize_t dot = -1;
    for (Py_ssize_t i = 0; i < n; i++) {
        if (p[i] == '.' && dot < 0) {
            dot = i;
        }
        else if (p[i] < '0' || p[i] > '9') {
            return BAIL;
        }
    }
    /* whole digits before the dot; after it one or two digits */
    if (dot == 0 || (dot > 0 && (n - dot - 1 < 1 || n - dot - 1 > 2))) {
        return BAIL;
    }
    PyObject *value = PyObject_CallOneArg(PyTuple_GET_ITEM(qarg, 0), text);
    if (value == NULL) {
        return NULL;
    }
    int within = PyObject_RichCompareBool(value, PyTuple_GET_ITEM(qarg, 1), Py_LE);
    if (within <= 0) {
        Py_DECREF(value);
        return within < 0 ? NULL : BAIL;
    }
    PyObject *values[2] = {value, text};
    PyObject *money = new_dataclass(PyTuple_GET_ITEM(qarg, 3), values, 2);
    Py_DECREF(value);
    return money;
}

/* the value of the quick path qkind for text (a new reference), BAIL when it cannot tell, NULL on error */
static PyObject *
quick_value(int qkind, PyObject *quick, PyObject *qarg, PyObject *text)
{
    PyObject *value;
    switch (qkind) {
    case Q_PRINTABLE:
        if (is_printable(text)) {
            Py_INCREF(text);
            return text;
        }
        return BAIL;
    case Q_TEXT:
        if (is_printable(text)) {
            Py_INCREF(text);
            return text;
        }
        break;  /* the control characters are looked for in Python */
    case Q_ENUM:
        value = PyDict_GetItemWithError(qarg, text);
        if (value == NULL || value == Py_None) {
            return BAIL;
        }
        Py_INCREF(value);
        return value;
    case Q_INT:
        return quick_int(text, qarg);
    case Q_DATE:
        return quick_date(text, qarg);
    case Q_MONEY:
        return quick_money(text, qarg);
    case Q_CALL:
        break;
    default:
        return BAIL;
    }
    value = PyObject_CallOneArg(quick, text);
    if (value == Py_None) {
        Py_DECREF(value);
        return BAIL;
    }
    return value;
}

/* type.convert(node, ctx), as Python calls it; BAIL when it answers INVALID */
static PyObject *
generic(PyObject *type, PyObject *node, PyObject *ctx)
{
    PyObject *args[3] = {type, node, ctx};
    PyObject *value = PyObject_VectorcallMethod(S_CONVERT, args, 3 | PY_VECTORCALL_ARGUMENTS_OFFSET, NULL);
    if (value == CV_INVALID) {
        Py_DECREF(value);
        return BAIL;
    }
    return value;
}

/* a (line, col) tuple of the node's own ints */
static PyObject *
position_of(PyObject *line, PyObject *col)
{
    if (line == NULL || col == NULL) {
        return BAIL;
    }
    return PyTuple_Pack(2, line, col);
}

/* (node.line, node.col) of any node, or BAIL */
static PyObject *
node_position(PyObject *node)
{
    int k = Py_IS_TYPE(node, classes[K_SCALAR].type) ? K_SCALAR
            : Py_IS_TYPE(node, classes[K_MAPPING].type) ? K_MAPPING
            : Py_IS_TYPE(node, classes[K_SEQUENCE].type) ? K_SEQUENCE : -1;
    if (k < 0) {
        return BAIL;
    }
    return k == K_SCALAR ? position_of(NF(node, k, 2), NF(node, k, 3)) : position_of(NF(node, k, 0), NF(node, k, 1));
}

static PyObject *convert_model(PyObject *plan, PyObject *node, PyObject *ctx, PyObject *path, int depth);

/* List.convert of a Sequence node (list = the list's plan); BAIL on anything but the common case */
static PyObject *
convert_list(PyObject *list, PyObject *node, PyObject *ctx, PyObject *path, int depth)
{
    PyObject *items = NF(node, K_SEQUENCE, 2);
    if (depth > 200 || !PyTuple_CheckExact(list) || PyTuple_GET_SIZE(list) != L_SIZE || items == NULL ||
        !PyList_CheckExact(items)) {
        return BAIL;
    }
    PyObject *type = PyTuple_GET_ITEM(list, L_TYPE), *quick = PyTuple_GET_ITEM(list, L_QUICK);
    PyObject *qarg = PyTuple_GET_ITEM(list, L_QARG), *model = PyTuple_GET_ITEM(list, L_MODEL);
    PyObject *row = PyTuple_GET_ITEM(list, L_ROW);
    int qkind = (int)PyLong_AsLong(PyTuple_GET_ITEM(list, L_QKIND));
    int slips = PyObject_IsTrue(PyTuple_GET_ITEM(list, L_SLIPS));
    if (qkind < 0 || slips < 0) {
        return NULL;
    }
    PyObject *out = PyObject_CallNoArgs(CV_POSLIST);
    PyObject *locs = PyList_New(0), *idx = PyList_New(0);
    if (out == NULL || locs == NULL || idx == NULL || PyObject_SetAttr(out, S_LOCS, locs) < 0 ||
        PyObject_SetAttr(out, S_IDX, idx) < 0 || PyObject_SetAttr(out, S_COMPLETE, Py_True) < 0) {
        goto fail;
    }
    for (Py_ssize_t n = 0; n < PyList_GET_SIZE(items); n++) {
        PyObject *child = PyList_GET_ITEM(items, n), *value = NULL;
        Py_INCREF(child);
        if (Py_IS_TYPE(child, classes[K_SCALAR].type)) {
            PyObject *text = NF(child, K_SCALAR, 0), *style = NF(child, K_SCALAR, 1);
            int st = style == NULL ? -1 : style_of(style);
            if (st < 0 || text == NULL || !PyUnicode_CheckExact(text) || PyUnicode_READY(text) < 0 ||
                (st == 0 && is_null_text(text))) {
                Py_DECREF(child);
                goto fail;  /* an empty entry is reported */
            }
            if (qkind != Q_NONE && (!slips || st != 0 || !has_separator(text))) {
                value = quick_value(qkind, quick, qarg, text);
            }
            if (value == NULL && !PyErr_Occurred()) {
                value = slips ? BAIL : generic(type, child, ctx);  /* a run-together list is told in Python */
            }
        }
        else if (model != Py_None && Py_IS_TYPE(child, classes[K_MAPPING].type)) {
            value = convert_model(model, child, ctx, path, depth + 1);
        }
        else if (row != Py_None && Py_IS_TYPE(child, classes[K_SEQUENCE].type)) {
            value = convert_list(row, child, ctx, path, depth + 1);
        }
        else {
            value = generic(type, child, ctx);
        }
        if (value == NULL) {
            Py_DECREF(child);
            goto fail;
        }
        PyObject *loc = node_position(child);
        Py_DECREF(child);
        PyObject *number = PyLong_FromSsize_t(n);
        int failed = loc == NULL || number == NULL || PyList_Append(out, value) < 0 || PyList_Append(locs, loc) < 0 ||
                     PyList_Append(idx, number) < 0;
        Py_DECREF(value);
        Py_XDECREF(loc);
        Py_XDECREF(number);
        if (failed) {
            goto fail;
        }
    }
    Py_DECREF(locs);
    Py_DECREF(idx);
    return out;
fail:
    Py_XDECREF(out);
    Py_XDECREF(locs);
    Py_XDECREF(idx);
    return NULL;
}

/* one field's value from its value node (a new reference), BAIL or NULL */
static PyObject *
field_value(PyObject *field, PyObject *vnode, PyObject *ctx, PyObject *path, int depth)
{
    PyObject *type = PyTuple_GET_ITEM(field, F_TYPE);
    if (Py_IS_TYPE(vnode, classes[K_SCALAR].type)) {
        int qkind = (int)PyLong_AsLong(PyTuple_GET_ITEM(field, F_QKIND));
        if (qkind < 0) {
            return NULL;
        }
        if (qkind != Q_NONE) {
            PyObject *value = quick_value(qkind, PyTuple_GET_ITEM(field, F_QUICK), PyTuple_GET_ITEM(field, F_QARG),
                                          NF(vnode, K_SCALAR, 0));
            if (value != NULL || PyErr_Occurred()) {
                return value;
            }
        }
        return generic(type, vnode, ctx);
    }
    int skind = (int)PyLong_AsLong(PyTuple_GET_ITEM(field, F_SKIND));
    if (skind < 0) {
        return NULL;
    }
    if (skind == S_OBJ && Py_IS_TYPE(vnode, classes[K_MAPPING].type)) {
        return convert_model(PyTuple_GET_ITEM(field, F_SARG), vnode, ctx, path, depth + 1);
    }
    if (skind == S_LIST && Py_IS_TYPE(vnode, classes[K_SEQUENCE].type)) {
        return convert_list(PyTuple_GET_ITEM(field, F_SARG), vnode, ctx, path, depth + 1);
    }
    return generic(type, vnode, ctx);
}

/* The model of plan from its field values (borrowed; values[f] for field f, NULL for none; have: the fields given)
   and its positions (pos, borrowed): BAIL when a required key is missing; the object is checked (validate). */
static PyObject *
finish_model(PyObject *plan, PyObject **values, Py_ssize_t nfields, unsigned long long have, PyObject *pos,
             PyObject *path, PyObject *nline, PyObject *ncol, PyObject *ctx)
{
    PyObject *cls = PyTuple_GET_ITEM(plan, P_CLS), *fields = PyTuple_GET_ITEM(plan, P_FIELDS);
    PyObject *required = PyTuple_GET_ITEM(plan, P_REQUIRED), *obj = NULL, *src = NULL, *invalid = NULL;
    for (Py_ssize_t i = 0; i < PyTuple_GET_SIZE(required); i++) {
        Py_ssize_t f = PyLong_AsSsize_t(PyTuple_GET_ITEM(required, i));
        if (f < 0 || f >= 64 || !(have & (1ULL << f))) {
            return BAIL;  /* a missing required key is reported */
        }
    }
    PyObject *init = PyTuple_GET_ITEM(plan, P_INIT);
    if (init != Py_None) {
        obj = new_dataclass(init, values, nfields);
    }
    else {  /* cls(**values) */
        PyObject *kwargs = PyDict_New();
        for (Py_ssize_t f = 0; kwargs != NULL && f < nfields; f++) {
            if (values[f] != NULL &&
                PyDict_SetItem(kwargs, PyTuple_GET_ITEM(PyTuple_GET_ITEM(fields, f), F_NAME), values[f]) < 0) {
                Py_CLEAR(kwargs);
            }
        }
        obj = kwargs == NULL ? NULL : PyObject_Call(cls, EMPTY_TUPLE, kwargs);
        Py_XDECREF(kwargs);
    }
    invalid = PySet_New(NULL);
    if (obj == NULL || invalid == NULL) {
        goto fail;
    }
    {
        PyObject *args[5] = {path, nline, ncol, pos, invalid};
        src = CV_SRC_INIT != Py_None ? new_dataclass(CV_SRC_INIT, args, 5) : PyObject_Vectorcall(CV_SRC, args, 5, NULL);
    }
    if (src == NULL || PyObject_SetAttr(obj, S_SRC, src) < 0) {
        goto fail;
    }
    if (PyObject_IsTrue(PyTuple_GET_ITEM(plan, P_VALIDATES))) {
        PyObject *args[2] = {obj, ctx};
        PyObject *r = PyObject_VectorcallMethod(S_VALIDATE, args, 2 | PY_VECTORCALL_ARGUMENTS_OFFSET, NULL);
        if (r == NULL) {
            goto fail;
        }
        Py_DECREF(r);
    }
    Py_DECREF(invalid);
    Py_DECREF(src);
    return obj;
fail:
    Py_XDECREF(invalid);
    Py_XDECREF(src);
    Py_XDECREF(obj);
    return NULL;
}

static PyObject *
convert_model(PyObject *plan, PyObject *node, PyObject *ctx, PyObject *path, int depth)
{
    if (depth > 200 || !PyTuple_CheckExact(plan) || PyTuple_GET_SIZE(plan) != P_SIZE ||
        !Py_IS_TYPE(node, classes[K_MAPPING].type)) {
        return BAIL;
    }
    PyObject *keys = PyTuple_GET_ITEM(plan, P_KEYS);
    PyObject *fields = PyTuple_GET_ITEM(plan, P_FIELDS), *required = PyTuple_GET_ITEM(plan, P_REQUIRED);
    PyObject *items = NF(node, K_MAPPING, 2), *nline = NF(node, K_MAPPING, 0), *ncol = NF(node, K_MAPPING, 1);
    if (!PyDict_CheckExact(keys) || !PyTuple_CheckExact(fields) || PyTuple_GET_SIZE(fields) > 64 ||
        !PyTuple_CheckExact(required) || items == NULL || !PyList_CheckExact(items) || nline == NULL || ncol == NULL) {
        return BAIL;
    }
    PyObject *values[64] = {NULL};  /* owned */
    Py_ssize_t nfields = PyTuple_GET_SIZE(fields);
    PyObject *pos = PyDict_New(), *obj = NULL;
    unsigned long long seen = 0, have = 0;
    if (pos == NULL) {
        goto fail;
    }
    for (Py_ssize_t i = 0; i < PyList_GET_SIZE(items); i++) {
        PyObject *pair = PyList_GET_ITEM(items, i);
        if (!PyTuple_CheckExact(pair) || PyTuple_GET_SIZE(pair) != 2) {
            goto fail;
        }
        PyObject *knode = PyTuple_GET_ITEM(pair, 0), *vnode = PyTuple_GET_ITEM(pair, 1);
        if (!Py_IS_TYPE(knode, classes[K_SCALAR].type)) {
            goto fail;  /* a key that is not text is reported */
        }
        PyObject *key = NF(knode, K_SCALAR, 0);
        if (key == NULL || !PyUnicode_CheckExact(key)) {
            goto fail;
        }
        PyObject *index = PyDict_GetItemWithError(keys, key);
        if (index == NULL) {
            goto fail;  /* an unknown key is reported (or an error) */
        }
        Py_ssize_t f = PyLong_AsSsize_t(index);
        if (f < 0 || f >= PyTuple_GET_SIZE(fields)) {
            goto fail;
        }
        if (seen & (1ULL << f)) {
            goto fail;  /* a repeated key is reported */
        }
        seen |= 1ULL << f;
        PyObject *field = PyTuple_GET_ITEM(fields, f);
        PyObject *name = PyTuple_GET_ITEM(field, F_NAME), *loc;
        Py_INCREF(vnode);
        if (Py_IS_TYPE(vnode, classes[K_SCALAR].type)) {
            PyObject *text = NF(vnode, K_SCALAR, 0), *style = NF(vnode, K_SCALAR, 1);
            int st = style == NULL ? -1 : style_of(style);
            if (st < 0 || text == NULL || !PyUnicode_CheckExact(text) || PyUnicode_READY(text) < 0) {
                Py_DECREF(vnode);
                goto fail;
            }
            if (st == 2) {  /* a block scalar's text starts on the line after its | or > */
                PyObject *vline = NF(vnode, K_SCALAR, 2), *kcol = NF(knode, K_SCALAR, 3);
                long l = vline == NULL ? -1 : PyLong_AsLong(vline), c = kcol == NULL ? -1 : PyLong_AsLong(kcol);
                if (l < 0 || c < 0) {
                    Py_DECREF(vnode);
                    goto fail;
                }
                loc = Py_BuildValue("(ll)", l + 1, c + 2);
            }
            else {
                loc = position_of(NF(vnode, K_SCALAR, 2), NF(vnode, K_SCALAR, 3));
            }
            if (loc == NULL || PyDict_SetItem(pos, name, loc) < 0) {
                Py_XDECREF(loc);
                Py_DECREF(vnode);
                goto fail;
            }
            Py_DECREF(loc);
            if (st == 0 && is_null_text(text)) {  /* `key:`, `key: ~` mean absent: reported when required */
                Py_DECREF(vnode);
                if (PyObject_IsTrue(PyTuple_GET_ITEM(field, F_REQUIRED))) {
                    goto fail;
                }
                continue;
            }
        }
        else if (Py_IS_TYPE(vnode, classes[K_MAPPING].type) || Py_IS_TYPE(vnode, classes[K_SEQUENCE].type)) {
            int k = Py_IS_TYPE(vnode, classes[K_MAPPING].type) ? K_MAPPING : K_SEQUENCE;
            loc = position_of(NF(vnode, k, 0), NF(vnode, k, 1));
            if (loc == NULL || PyDict_SetItem(pos, name, loc) < 0) {
                Py_XDECREF(loc);
                Py_DECREF(vnode);
                goto fail;
            }
            Py_DECREF(loc);
        }
        else {
            Py_DECREF(vnode);
            goto fail;
        }
        PyObject *value = field_value(field, vnode, ctx, path, depth);
        Py_DECREF(vnode);
        if (value == NULL) {
            goto fail;
        }
        values[f] = value;
        have |= 1ULL << f;
    }
    obj = finish_model(plan, values, nfields, have, pos, path, nline, ncol, ctx);
    if (obj == NULL) {
        goto fail;
    }
    for (Py_ssize_t f = 0; f < nfields; f++) {
        Py_XDECREF(values[f]);
    }
    Py_DECREF(pos);
    return obj;
fail:
    for (Py_ssize_t f = 0; f < nfields; f++) {
        Py_XDECREF(values[f]);
    }
    Py_XDECREF(pos);
    return NULL;
}

static PyObject *
convert(PyObject *module, PyObject *const *args, Py_ssize_t nargs)
{
    if (nargs != 3) {
        PyErr_SetString(PyExc_TypeError, "convert(plan, node, ctx)");
        return NULL;
    }
    if (!converting_ready || CV_SRC == NULL) {
        Py_INCREF(FALLBACK);
        return FALLBACK;
    }
    PyObject *path = PyObject_GetAttr(args[2], S_PATH);
    PyObject *obj = path == NULL ? NULL : convert_model(args[0], args[1], args[2], path, 0);
    Py_XDECREF(path);
    if (obj != NULL) {
        return obj;
    }
    if (PyErr_Occurred()) {
        if (!PyErr_ExceptionMatches(PyExc_Exception)) {
            return NULL;  /* KeyboardInterrupt and the like go on */
        }
        PyErr_Clear();  /* the Python path meets the same error and raises it in its own place */
    }
    Py_INCREF(FALLBACK);
    return FALLBACK;
}

/* ------------------------------------------------------------------ load: bytes -> model, straight from the events
 *
 * load(data, plan, ctx, max_depth, max_nodes) reads a file's bytes with libyaml and builds its model from the
 * parser's events, without the node tree, for the common case only: what build() builds (no anchor, alias, tag,
 * merge key, second document, nesting or size over the limits), a mapping at the top, and what convert() builds
 * without giving up; a value read by a type's own convert gets a Scalar node made for it. Anything else answers
 * FALLBACK and the caller reads the file the usual way (build, then convert) with a new context. */

typedef struct {
    yaml_parser_t parser;
    yaml_event_t event;  /* the current event (valid while has_event) */
    int has_event;
    Py_ssize_t count, max_nodes, depth, max_depth;
    PyObject *ctx, *path;
} Reader;

/* the next event into r->event; 0 when the parser fails */
static int
next_event(Reader *r)
{
    if (r->has_event) {
        yaml_event_delete(&r->event);
        r->has_event = 0;
    }
    if (!yaml_parser_parse(&r->parser, &r->event)) {
        return 0;
    }
    r->has_event = 1;
    return 1;
}

/* the current event is a node this path takes: no anchor, no tag, within the number of nodes */
static int
plain_node(Reader *r)
{
    yaml_event_t *e = &r->event;
    switch (e->type) {
    case YAML_SCALAR_EVENT:
        if (e->data.scalar.anchor != NULL || e->data.scalar.tag != NULL) {
            return 0;
        }
        break;
    case YAML_MAPPING_START_EVENT:
        if (e->data.mapping_start.anchor != NULL || e->data.mapping_start.tag != NULL) {
            return 0;
        }
        break;
    case YAML_SEQUENCE_START_EVENT:
        if (e->data.sequence_start.anchor != NULL || e->data.sequence_start.tag != NULL) {
            return 0;
        }
        break;
    default:
        return 0;
    }
    return ++r->count <= r->max_nodes;
}

static PyObject *
scalar_text(yaml_event_t *e)
{
    return PyUnicode_DecodeUTF8((const char *)e->data.scalar.value, (Py_ssize_t)e->data.scalar.length, "strict");
}

/* 0 plain, 1 quoted, 2 block */
static int
event_style(yaml_event_t *e)
{
    switch (e->data.scalar.style) {
    case YAML_LITERAL_SCALAR_STYLE:
    case YAML_FOLDED_SCALAR_STYLE:
        return 2;
    case YAML_SINGLE_QUOTED_SCALAR_STYLE:
    case YAML_DOUBLE_QUOTED_SCALAR_STYLE:
        return 1;
    default:
        return 0;
    }
}

static PyObject *
mark_position(yaml_mark_t mark)
{
    return Py_BuildValue("(nn)", (Py_ssize_t)mark.line + 1, (Py_ssize_t)mark.column + 1);
}

/* type.convert(Scalar node of the current event, ctx); BAIL when INVALID */
static PyObject *
event_generic(Reader *r, PyObject *type)
{
    PyObject *node = scalar_node(&r->event);
    if (node == NULL) {
        return NULL;
    }
    PyObject *value = generic(type, node, r->ctx);
    Py_DECREF(node);
    return value;
}

static PyObject *load_mapping(Reader *r, PyObject *plan);

/* a collection starts at the current event: within the nesting limit */
static int
enter(Reader *r)
{
    if (r->depth >= r->max_depth) {
        return 0;
    }
    r->depth++;
    return 1;
}

/* List.convert of the sequence starting at the current event, up to its end */
static PyObject *
load_list(Reader *r, PyObject *list)
{
    if (!PyTuple_CheckExact(list) || PyTuple_GET_SIZE(list) != L_SIZE || !enter(r)) {
        return BAIL;
    }
    PyObject *type = PyTuple_GET_ITEM(list, L_TYPE), *quick = PyTuple_GET_ITEM(list, L_QUICK);
    PyObject *qarg = PyTuple_GET_ITEM(list, L_QARG), *model = PyTuple_GET_ITEM(list, L_MODEL);
    PyObject *row = PyTuple_GET_ITEM(list, L_ROW);
    int qkind = (int)PyLong_AsLong(PyTuple_GET_ITEM(list, L_QKIND));
    int slips = PyObject_IsTrue(PyTuple_GET_ITEM(list, L_SLIPS));
    if (qkind < 0 || slips < 0) {
        return NULL;
    }
    PyObject *out = PyObject_CallNoArgs(CV_POSLIST);
    PyObject *locs = PyList_New(0), *idx = PyList_New(0);
    if (out == NULL || locs == NULL || idx == NULL || PyObject_SetAttr(out, S_LOCS, locs) < 0 ||
        PyObject_SetAttr(out, S_IDX, idx) < 0 || PyObject_SetAttr(out, S_COMPLETE, Py_True) < 0) {
        goto fail;
    }
    for (Py_ssize_t n = 0;; n++) {
        if (!next_event(r)) {
            goto fail;
        }
        if (r->event.type == YAML_SEQUENCE_END_EVENT) {
            break;
        }
        if (!plain_node(r)) {
            goto fail;
        }
        yaml_mark_t mark = r->event.start_mark;
        PyObject *value = NULL;
        if (r->event.type == YAML_SCALAR_EVENT) {
            int st = event_style(&r->event);
            PyObject *text = scalar_text(&r->event);
            if (text == NULL) {
                goto fail;
            }
            if (st == 0 && is_null_text(text)) {
                Py_DECREF(text);
                goto fail;  /* an empty entry is reported */
            }
            if (qkind != Q_NONE && (!slips || st != 0 || !has_separator(text))) {
                value = quick_value(qkind, quick, qarg, text);
            }
            Py_DECREF(text);
            if (value == NULL && !PyErr_Occurred()) {
                value = slips ? BAIL : event_generic(r, type);
            }
        }
        else if (r->event.type == YAML_MAPPING_START_EVENT && model != Py_None) {
            value = load_mapping(r, model);
        }
        else if (r->event.type == YAML_SEQUENCE_START_EVENT && row != Py_None) {
            value = load_list(r, row);
        }
        if (value == NULL) {
            goto fail;
        }
        PyObject *loc = mark_position(mark), *number = PyLong_FromSsize_t(n);
        int failed = loc == NULL || number == NULL || PyList_Append(out, value) < 0 || PyList_Append(locs, loc) < 0 ||
                     PyList_Append(idx, number) < 0;
        Py_DECREF(value);
        Py_XDECREF(loc);
        Py_XDECREF(number);
        if (failed) {
            goto fail;
        }
    }
    r->depth--;
    Py_DECREF(locs);
    Py_DECREF(idx);
    return out;
fail:
    Py_XDECREF(out);
    Py_XDECREF(locs);
    Py_XDECREF(idx);
    return NULL;
}

/* convert(plan, the mapping starting at the current event), up to its end */
static PyObject *
load_mapping(Reader *r, PyObject *plan)
{
    if (!PyTuple_CheckExact(plan) || PyTuple_GET_SIZE(plan) != P_SIZE || !enter(r)) {
        return BAIL;
    }
    PyObject *keys = PyTuple_GET_ITEM(plan, P_KEYS), *fields = PyTuple_GET_ITEM(plan, P_FIELDS);
    if (!PyDict_CheckExact(keys) || !PyTuple_CheckExact(fields) || PyTuple_GET_SIZE(fields) > 64 ||
        !PyTuple_CheckExact(PyTuple_GET_ITEM(plan, P_REQUIRED))) {
        return BAIL;
    }
    yaml_mark_t start = r->event.start_mark;
    PyObject *values[64] = {NULL};  /* owned */
    Py_ssize_t nfields = PyTuple_GET_SIZE(fields);
    PyObject *pos = PyDict_New(), *obj = NULL, *nline = NULL, *ncol = NULL;
    unsigned long long seen = 0, have = 0;
    if (pos == NULL) {
        goto fail;
    }
    for (;;) {
        if (!next_event(r)) {
            goto fail;
        }
        if (r->event.type == YAML_MAPPING_END_EVENT) {
            break;
        }
        if (r->event.type != YAML_SCALAR_EVENT || !plain_node(r)) {
            goto fail;  /* a key that is not text is reported */
        }
        yaml_mark_t kmark = r->event.start_mark;
        PyObject *key = scalar_text(&r->event);
        if (key == NULL) {
            goto fail;
        }
        PyObject *index = PyDict_GetItemWithError(keys, key);  /* (a "<<" is never a key of a model) */
        Py_DECREF(key);
        if (index == NULL) {
            goto fail;  /* an unknown key is reported (or an error) */
        }
        Py_ssize_t f = PyLong_AsSsize_t(index);
        if (f < 0 || f >= nfields || (seen & (1ULL << f))) {
            goto fail;  /* a repeated key is reported */
        }
        seen |= 1ULL << f;
        PyObject *field = PyTuple_GET_ITEM(fields, f);
        PyObject *name = PyTuple_GET_ITEM(field, F_NAME), *type = PyTuple_GET_ITEM(field, F_TYPE), *loc, *value = NULL;
        if (!next_event(r) || !plain_node(r)) {
            goto fail;
        }
        yaml_mark_t vmark = r->event.start_mark;
        if (r->event.type == YAML_SCALAR_EVENT) {
            int st = event_style(&r->event);
            loc = st == 2 ? Py_BuildValue("(nn)", (Py_ssize_t)vmark.line + 2, (Py_ssize_t)kmark.column + 3)
                          : mark_position(vmark);
            if (loc == NULL || PyDict_SetItem(pos, name, loc) < 0) {
                Py_XDECREF(loc);
                goto fail;
            }
            Py_DECREF(loc);
            PyObject *text = scalar_text(&r->event);
            if (text == NULL) {
                goto fail;
            }
            if (st == 0 && is_null_text(text)) {  /* `key:`, `key: ~` mean absent: reported when required */
                Py_DECREF(text);
                if (PyObject_IsTrue(PyTuple_GET_ITEM(field, F_REQUIRED))) {
                    goto fail;
                }
                continue;
            }
            int qkind = (int)PyLong_AsLong(PyTuple_GET_ITEM(field, F_QKIND));
            if (qkind > Q_NONE) {
                value = quick_value(qkind, PyTuple_GET_ITEM(field, F_QUICK), PyTuple_GET_ITEM(field, F_QARG), text);
            }
            Py_DECREF(text);
            if (value == NULL && !PyErr_Occurred()) {
                value = event_generic(r, type);
            }
        }
        else {
            loc = mark_position(vmark);
            if (loc == NULL || PyDict_SetItem(pos, name, loc) < 0) {
                Py_XDECREF(loc);
                goto fail;
            }
            Py_DECREF(loc);
            int skind = (int)PyLong_AsLong(PyTuple_GET_ITEM(field, F_SKIND));
            if (skind == S_OBJ && r->event.type == YAML_MAPPING_START_EVENT) {
                value = load_mapping(r, PyTuple_GET_ITEM(field, F_SARG));
            }
            else if (skind == S_LIST && r->event.type == YAML_SEQUENCE_START_EVENT) {
                value = load_list(r, PyTuple_GET_ITEM(field, F_SARG));
            }
            /* any other type of a mapping or list value: its own convert needs the nodes */
        }
        if (value == NULL) {
            goto fail;
        }
        values[f] = value;
        have |= 1ULL << f;
    }
    r->depth--;
    nline = PyLong_FromSize_t(start.line + 1);
    ncol = PyLong_FromSize_t(start.column + 1);
    if (nline != NULL && ncol != NULL) {
        obj = finish_model(plan, values, nfields, have, pos, r->path, nline, ncol, r->ctx);
    }
fail:
    for (Py_ssize_t f = 0; f < nfields; f++) {
        Py_XDECREF(values[f]);
    }
    Py_XDECREF(pos);
    Py_XDECREF(nline);
    Py_XDECREF(ncol);
    return obj;
}

static PyObject *
load(PyObject *module, PyObject *const *args, Py_ssize_t nargs)
{
    if (nargs != 5 || !PyBytes_Check(args[0])) {
        PyErr_SetString(PyExc_TypeError, "load(data: bytes, plan, ctx, max_depth: int, max_nodes: int)");
        return NULL;
    }
    Reader r;
    memset(&r, 0, sizeof r);
    r.max_depth = PyLong_AsSsize_t(args[3]);
    r.max_nodes = PyLong_AsSsize_t(args[4]);
    if ((r.max_depth == -1 || r.max_nodes == -1) && PyErr_Occurred()) {
        return NULL;
    }
    if (!converting_ready || CV_SRC == NULL || classes[0].type == NULL || r.max_depth < 1 || r.max_nodes < 1) {
        Py_INCREF(FALLBACK);
        return FALLBACK;
    }
    r.ctx = args[2];
    r.path = PyObject_GetAttr(args[2], S_PATH);
    if (r.path == NULL) {
        goto done;
    }
    if (!yaml_parser_initialize(&r.parser)) {
        Py_CLEAR(r.path);
        goto done;
    }
    yaml_parser_set_input_string(&r.parser, (const unsigned char *)PyBytes_AS_STRING(args[0]),
                                 (size_t)PyBytes_GET_SIZE(args[0]));
    PyObject *obj = NULL;
    /* stream start, document start, a mapping (the model), document end, stream end: nothing else */
    if (next_event(&r) && r.event.type == YAML_STREAM_START_EVENT && next_event(&r) &&
        r.event.type == YAML_DOCUMENT_START_EVENT && next_event(&r) && r.event.type == YAML_MAPPING_START_EVENT &&
        plain_node(&r)) {
        obj = load_mapping(&r, args[1]);
        if (obj != NULL && !(next_event(&r) && r.event.type == YAML_DOCUMENT_END_EVENT && next_event(&r) &&
                             r.event.type == YAML_STREAM_END_EVENT)) {
            Py_CLEAR(obj);  /* a second document, or a syntax error after the mapping */
        }
    }
    if (r.has_event) {
        yaml_event_delete(&r.event);
    }
    yaml_parser_delete(&r.parser);
    Py_DECREF(r.path);
    if (obj != NULL) {
        return obj;
    }
done:
    if (PyErr_Occurred()) {
        if (!PyErr_ExceptionMatches(PyExc_Exception)) {
            return NULL;  /* KeyboardInterrupt and the like go on */
        }
        PyErr_Clear();
    }
    Py_INCREF(FALLBACK);
    return FALLBACK;
}

static PyMethodDef methods[] = {
    {"configure", configure, METH_VARARGS,
     "configure(Scalar, Mapping, Sequence) -> bool: the node classes; True when their slots are filled directly"},
    {"build", (PyCFunction)(void (*)(void))build, METH_FASTCALL,
     "build(text or UTF-8 bytes, max_depth, max_nodes) -> root node, None for an empty document, or FALLBACK"},
    {"configure_convert", configure_convert, METH_VARARGS,
     "configure_convert(Src, PosList, INVALID) -> bool: True when convert() can be used"},
    {"load", (PyCFunction)(void (*)(void))load, METH_FASTCALL,
     "load(UTF-8 bytes, plan, ctx, max_depth, max_nodes) -> the file's model, as build and convert make it, or FALLBACK"},
    {"convert", (PyCFunction)(void (*)(void))convert, METH_FASTCALL,
     "convert(plan, mapping node, ctx) -> the model, as schema convert builds it, or FALLBACK"},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef moduledef = {
    PyModuleDef_HEAD_INIT, "_cnodes", "libyaml events -> gongkai node tree (fast path only)", -1, methods,
};

PyMODINIT_FUNC
PyInit__cnodes(void)
{
    PyObject *module = PyModule_Create(&moduledef);
    if (module == NULL) {
        return NULL;
    }
    PyDateTime_IMPORT;
    if (PyDateTimeAPI == NULL) {
        Py_DECREF(module);
        return NULL;
    }
    FALLBACK = PyObject_CallNoArgs((PyObject *)&PyBaseObject_Type);
    EMPTY_TUPLE = PyTuple_New(0);
    S_SRC = PyUnicode_InternFromString("src");
    S_LOCS = PyUnicode_InternFromString("locs");
    S_IDX = PyUnicode_InternFromString("idx");
    S_COMPLETE = PyUnicode_InternFromString("complete");
    S_VALIDATE = PyUnicode_InternFromString("validate");
    S_CONVERT = PyUnicode_InternFromString("convert");
    S_PATH = PyUnicode_InternFromString("path");
    if (EMPTY_TUPLE == NULL || S_SRC == NULL || S_LOCS == NULL || S_IDX == NULL || S_COMPLETE == NULL ||
        S_VALIDATE == NULL || S_CONVERT == NULL || S_PATH == NULL) {
        Py_DECREF(module);
        return NULL;
    }
    STYLE_DQ = PyUnicode_InternFromString("\"");
    STYLE_SQ = PyUnicode_InternFromString("'");
    STYLE_LIT = PyUnicode_InternFromString("|");
    STYLE_FOLD = PyUnicode_InternFromString(">");
    if (FALLBACK == NULL || STYLE_DQ == NULL || STYLE_SQ == NULL || STYLE_LIT == NULL || STYLE_FOLD == NULL ||
        PyModule_AddObjectRef(module, "FALLBACK", FALLBACK) < 0) {
        Py_DECREF(module);
        return NULL;
    }
    return module;
}
