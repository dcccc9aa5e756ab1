"""tf2onnx graph rewrites for TensorFlow ops that keras emits but ONNX lacks.

- `Erfc` (exact GELU) becomes `1 - Erf`.
- keras' float `argmax` guards against -0.0 with `signbit`, traced as
  `Less(BitwiseAnd(Bitcast(x, int32), INT_MIN), 0)`; it becomes `Less(x, 0)`
  (ONNX has no bitcast). Only an exact tie between 0.0 and -0.0 can differ.
"""

import numpy as np
from tf2onnx import utils


def replace_erfc(graph, ops):
    for node in ops:
        if node.type == "Erfc":
            x = node.input[0]
            dtype = utils.map_onnx_to_numpy_type(graph.get_dtype(x))
            erf = graph.make_node("Erf", [x], shapes=[graph.get_shape(x)], dtypes=[graph.get_dtype(x)])
            one = graph.make_const(utils.make_name("one"), np.array(1, dtype))
            node.type = "Sub"
            graph.replace_inputs(node, [one.output[0], erf.output[0]])
    return graph.get_nodes()


def replace_signbit(graph, ops):
    for node in ops:
        masked = graph.get_node_by_output(node.input[0]) if node.type == "Less" else None
        bits = graph.get_node_by_output(masked.input[0]) if masked is not None and masked.type == "BitwiseAnd" else None
        if bits is not None and bits.type == "Bitcast":
            x = bits.input[0]
            zero = graph.make_const(utils.make_name("zero"), np.array(0, utils.map_onnx_to_numpy_type(graph.get_dtype(x))))
            node.set_attr("T", graph.get_dtype(x))
            graph.replace_inputs(node, [x, zero.output[0]])
    return graph.get_nodes()


REWRITERS = [replace_erfc, replace_signbit]
