"""Look up word vectors before dequantizing them: the same model in ~35 MB less memory.

The shipped MiniLM file stores every weight as int8 with a float scale per row, and dequantizes
it in the graph (`Cast` to float, `Mul` by the scale). onnxruntime folds those constant
subgraphs once when the session is built, which keeps the matrix products fast, but also turns
the 30,522 x 384 word-embedding table into 47 MB of float32, of which a question uses a few
dozen rows. This rewrite moves the table's lookup in front of its dequantization:

    Gather(Mul(Cast(q), scale), ids)  ->  Mul(Cast(Gather(q, ids)), Gather(scale, ids))

Every element goes through the same cast and the same float multiply, so the vectors are
bit-for-bit those of the original graph (tests/knowledge/test_memory.py compares them);
the table stays 11.7 MB of int8 and each run dequantizes only its own rows.

The edit works on the protobuf wire format directly (field numbers from onnx.proto: ModelProto
graph = 7; GraphProto node = 1; NodeProto input = 1, output = 2, name = 3, op_type = 4), so no
`onnx` package is needed; every other byte of the model is copied as it is. A file without the
expected pattern is returned unchanged.
"""

from __future__ import annotations

from dataclasses import dataclass

MODEL_GRAPH = 7
GRAPH_NODE = 1
NODE_INPUT, NODE_OUTPUT, NODE_NAME, NODE_OP, NODE_ATTRIBUTE = 1, 2, 3, 4, 5
LENGTH_DELIMITED = 2
#: The quantized table and its per-row scale, as the exporter names them.
TABLE = "inner.embeddings.word_embeddings.weight"


@dataclass
class _Field:
    number: int
    wire: int
    raw: bytes  # the whole field, key included, as it appears in the message
    value: bytes | int


def _varint(data: bytes, at: int) -> tuple[int, int]:
    result, shift = 0, 0
    while True:
        byte = data[at]
        at += 1
        result |= (byte & 0x7F) << shift
        shift += 7
        if byte < 0x80:
            return result, at


def _encode_varint(value: int) -> bytes:
    out = bytearray()
    while True:
        low = value & 0x7F
        value >>= 7
        if value:
            out.append(low | 0x80)
        else:
            out.append(low)
            return bytes(out)


def _fields(data: bytes) -> list[_Field]:
    """The top-level fields of one protobuf message, in order."""
    out: list[_Field] = []
    at = 0
    while at < len(data):
        start = at
        key, at = _varint(data, at)
        number, wire = key >> 3, key & 7
        value: bytes | int
        if wire == 0:
            value, at = _varint(data, at)
        elif wire == LENGTH_DELIMITED:
            size, at = _varint(data, at)
            value, at = data[at : at + size], at + size
        elif wire == 5:
            value, at = data[at : at + 4], at + 4
        elif wire == 1:
            value, at = data[at : at + 8], at + 8
        else:
            raise ValueError(f"unsupported protobuf wire type {wire}")
        out.append(_Field(number, wire, data[start:at], value))
    return out


def _payload(field: _Field) -> bytes:
    """The bytes of a length-delimited field (a sub-message)."""
    if not isinstance(field.value, bytes) or field.wire != LENGTH_DELIMITED:
        raise ValueError(f"protobuf field {field.number} is not a message")
    return field.value


def _bytes_field(number: int, value: bytes) -> bytes:
    return _encode_varint(number << 3 | LENGTH_DELIMITED) + _encode_varint(len(value)) + value


def _strings(node: list[_Field], number: int) -> list[str]:
    return [f.value.decode() for f in node if f.number == number and isinstance(f.value, bytes)]


def _node(op: str, name: str, inputs: list[str], outputs: list[str], attrs: list[bytes]) -> bytes:
    parts = [_bytes_field(NODE_INPUT, i.encode()) for i in inputs]
    parts += [_bytes_field(NODE_OUTPUT, o.encode()) for o in outputs]
    parts += [_bytes_field(NODE_NAME, name.encode()), _bytes_field(NODE_OP, op.encode())]
    return b"".join(parts + attrs)


def gather_before_dequantize(model: bytes) -> bytes:
    """The model with the word-embedding lookup moved before its dequantization (or unchanged)."""
    top = _fields(model)
    graphs = [f for f in top if f.number == MODEL_GRAPH and isinstance(f.value, bytes)]
    if len(graphs) != 1:
        return model
    graph = _fields(_payload(graphs[0]))
    nodes = {i: _fields(_payload(f)) for i, f in enumerate(graph) if f.number == GRAPH_NODE}
    quantized, scale, table = f"{TABLE}_q", f"{TABLE}_scale", TABLE
    cast = mul = gather = None
    for index, node in nodes.items():
        op, inputs = _strings(node, NODE_OP), _strings(node, NODE_INPUT)
        if op == ["Cast"] and inputs == [quantized]:
            cast = index
        elif op == ["Mul"] and _strings(node, NODE_OUTPUT) == [table]:
            mul = index
        elif op == ["Gather"] and inputs[:1] == [table]:
            if gather is not None:
                return model  # the table is read twice: leave the graph alone
            gather = index
    if cast is None or mul is None or gather is None:
        return model
    dequantized = _strings(nodes[cast], NODE_OUTPUT)
    if _strings(nodes[mul], NODE_INPUT) != [*dequantized, scale]:
        return model
    users = [i for i, node in nodes.items() if table in _strings(node, NODE_INPUT)]
    if users != [gather]:
        return model
    ids = _strings(nodes[gather], NODE_INPUT)[1]
    found = _strings(nodes[gather], NODE_OUTPUT)[0]
    gather_attrs = [f.raw for f in nodes[gather] if f.number == NODE_ATTRIBUTE]
    cast_attrs = [f.raw for f in nodes[cast] if f.number == NODE_ATTRIBUTE]
    rows_q, rows_scale, rows_f = f"{found}_rows_q", f"{found}_rows_scale", f"{found}_rows_f"
    replacement = b"".join(
        _bytes_field(GRAPH_NODE, node)
        for node in (
            _node("Gather", f"{found}_gather_q", [quantized, ids], [rows_q], gather_attrs),
            _node("Gather", f"{found}_gather_scale", [scale, ids], [rows_scale], gather_attrs),
            _node("Cast", f"{found}_cast", [rows_q], [rows_f], cast_attrs),
            _node("Mul", f"{found}_mul", [rows_f, rows_scale], [found], []),
        )
    )
    parts = []
    for index, field in enumerate(graph):
        if index in (cast, mul):
            continue
        parts.append(replacement if index == gather else field.raw)
    new_graph = _bytes_field(MODEL_GRAPH, b"".join(parts))
    return b"".join(new_graph if f is graphs[0] else f.raw for f in top)
