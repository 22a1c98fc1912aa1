"""Writes ONNX files tandem must refuse, for bad-input.test.ts (built with onnx.helper: torch would not export them).

Usage: python3 export_bad_models.py OUT_DIR. Every model reads x: float[batch, 4] (the LSTM: [batch, 6, 3]).
"""
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper

out = sys.argv[1]
rng = np.random.default_rng(0)


def ints(name, values):
    return helper.make_tensor(name, TensorProto.INT64, [len(values)], values)


def floats(name, shape):
    return helper.make_tensor(name, TensorProto.FLOAT, shape, rng.standard_normal(int(np.prod(shape))).astype(np.float32))


def save(name, nodes, inputs, initializers, opset=17):
    graph = helper.make_graph(nodes, name, inputs, [helper.make_tensor_value_info('y', TensorProto.FLOAT, None)], initializers)
    onnx.save(helper.make_model(graph, opset_imports=[helper.make_opsetid('', opset)]), f'{out}/{name}.onnx')


x = helper.make_tensor_value_info('x', TensorProto.FLOAT, ['batch', 4])

# A Reshape whose target shape is cast from the input's values, not taken from its shape.
save('datashape', [
    helper.make_node('Slice', ['x', 'zero', 'two', 'one'], ['head'], name='head'),
    helper.make_node('Reshape', ['head', 'flat'], ['head_flat'], name='flatten_head'),
    helper.make_node('Cast', ['head_flat'], ['shape'], name='to_int', to=TensorProto.INT64),
    helper.make_node('Reshape', ['x', 'shape'], ['y'], name='reshape'),
], [x], [ints('zero', [0]), ints('two', [2]), ints('one', [1]), ints('flat', [-1])])

# A ConstantOfShape whose shape is the largest input value: an output whose size depends on the data.
save('datafill', [
    helper.make_node('Cast', ['x'], ['x_int'], name='to_int', to=TensorProto.INT64),
    helper.make_node('ReduceMax', ['x_int'], ['largest'], name='largest', keepdims=0, axes=[0, 1]),
    helper.make_node('Unsqueeze', ['largest', 'zero'], ['size'], name='as_shape'),
    helper.make_node('ConstantOfShape', ['size'], ['y'], name='fill', value=helper.make_tensor('one', TensorProto.FLOAT, [1], [1.0])),
], [x], [ints('zero', [0])])

# Several ops outside the set at once (NonZero, TopK, two Hardmax): refused in one message listing them all.
save('missing_ops', [
    helper.make_node('NonZero', ['x'], ['nonzero'], name='where_nonzero'),
    helper.make_node('TopK', ['x', 'k'], ['top', 'top_index'], name='top2', axis=1),
    helper.make_node('Hardmax', ['top'], ['hard'], name='hard1'),
    helper.make_node('Hardmax', ['hard'], ['y'], name='hard2'),
], [x], [ints('k', [2])])

# nn.LSTM over packed sequences: per-sample lengths (sequence_lens).
save('lstm_lens', [
    helper.make_node('Transpose', ['x'], ['x_t'], name='time_major', perm=[1, 0, 2]),
    helper.make_node('LSTM', ['x_t', 'W', 'R', 'B', 'lens'], ['y_all'], name='lstm', hidden_size=4),
    helper.make_node('Squeeze', ['y_all', 'dir_axis'], ['y'], name='drop_direction'),
], [helper.make_tensor_value_info('x', TensorProto.FLOAT, ['batch', 6, 3])],
    [floats('W', [1, 16, 3]), floats('R', [1, 16, 4]), floats('B', [1, 32]), helper.make_tensor('lens', TensorProto.INT32, [4], [6, 5, 6, 3]), ints('dir_axis', [1])])

# Dropout whose ratio is a graph input.
save('dropout_ratio', [helper.make_node('Dropout', ['x', 'p'], ['y'], name='dropout')],
     [x, helper.make_tensor_value_info('p', TensorProto.FLOAT, ['batch'])], [])

# A training-mode Dropout that would drop everything.
save('dropout_all', [helper.make_node('Dropout', ['x', 'ratio', 'training'], ['y'], name='dropout')], [x],
     [helper.make_tensor('ratio', TensorProto.FLOAT, [], [1.0]), helper.make_tensor('training', TensorProto.BOOL, [], [True])])

# Opset 10: older than tandem reads; opset 19: newer.
save('opset10', [helper.make_node('Relu', ['x'], ['y'], name='relu')], [x], [], opset=10)
save('opset19', [helper.make_node('Relu', ['x'], ['y'], name='relu')], [x], [], opset=19)

# Opset 18 ReduceMean whose axes input is computed from the input's values.
save('reduce_axes18', [
    helper.make_node('Slice', ['x', 'zero', 'one', 'one'], ['first'], name='first'),
    helper.make_node('ReduceMax', ['first'], ['top'], name='top', keepdims=0),
    helper.make_node('Cast', ['top'], ['axis'], name='to_axis', to=TensorProto.INT64),
    helper.make_node('Reshape', ['axis', 'one_d'], ['axes'], name='axes'),
    helper.make_node('ReduceMean', ['x', 'axes'], ['y'], name='pool', keepdims=1),
], [x], [ints('zero', [0]), ints('one', [1]), ints('one_d', [1])], opset=18)

with open(f'{out}/notonnx.onnx', 'w') as f:
    f.write('x,y\n0.1,0.2\n')
