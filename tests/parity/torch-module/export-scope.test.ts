import { describe, expect, it } from 'vitest';
import { exportScope } from '../../../src/parity/submodule-divergence.ts';

// Node names of a torch 1.13 export (torch.onnx.export, training mode) of
//   m = nn.Sequential(); m.layer1 = nn.Sequential(B(), B()), B: conv1 = Conv2d, sub = nn.Sequential(ReLU(), Conv2d)
// as the exporter wrote them; a submodule's scope must prefix exactly its own nodes.
const NODES = ['/layer1/layer1.0/conv1/Conv', '/layer1/layer1.0/sub/sub.0/Relu', '/layer1/layer1.0/sub/sub.1/Conv', '/layer1/layer1.1/conv1/Conv', '/layer1/layer1.1/sub/sub.0/Relu', '/layer1/layer1.1/sub/sub.1/Conv'];

describe('exportScope: module path → the scope torch.onnx.export gives its nodes', () => {
  it.each([
    ['layer1', NODES],
    ['layer1.0', NODES.slice(0, 3)],
    ['layer1.0.conv1', ['/layer1/layer1.0/conv1/Conv']],
    ['layer1.0.sub', NODES.slice(1, 3)],
    ['layer1.1.sub.0', ['/layer1/layer1.1/sub/sub.0/Relu']],
  ])('%s', (path, nodes) => {
    expect(NODES.filter((n) => n.startsWith(exportScope(path)))).toEqual(nodes);
  });
});
