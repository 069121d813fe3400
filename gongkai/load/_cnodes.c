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

static PyMethodDef methods[] = {
    {"configure", configure, METH_VARARGS,
     "configure(Scalar, Mapping, Sequence) -> bool: the node classes; True when their slots are filled directly"},
    {"build", (PyCFunction)(void (*)(void))build, METH_FASTCALL,
     "build(text or UTF-8 bytes, max_depth, max_nodes) -> root node, None for an empty document, or FALLBACK"},
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
    FALLBACK = PyObject_CallNoArgs((PyObject *)&PyBaseObject_Type);
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
