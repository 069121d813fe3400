"""From bytes to typed objects: decoding, YAML nodes with positions, scalar parsing, schema conversion."""
