// Writes data/quickstart.npz, the dataset of conf/quickstart.yaml: y = sin(πx) sampled at 256 evenly spaced
// points of x ∈ [-1, 1], float32, shaped (batch, 1). Re-running it reproduces the same arrays (only the zip entries'
// modification times differ, fflate stamps the current time).
//   npx tsx scripts/make-quickstart-data.ts
import { writeNpzFile } from '../src/data/npz.ts';

const n = 256;
const x = new Float32Array(n);
const y = new Float32Array(n);
for (let i = 0; i < n; i++) {
  x[i] = -1 + (2 * i) / (n - 1);
  y[i] = Math.sin(Math.PI * x[i]);
}
writeNpzFile('data/quickstart.npz', {
  x: { dtype: 'float32', shape: [n, 1], data: x, dims: ['batch', 'vector'] },
  y: { dtype: 'float32', shape: [n, 1], data: y, dims: ['batch', 'vector'] },
});
console.log(`wrote data/quickstart.npz (${n} samples of y = sin(pi x))`);
