import { registerOp } from '../op-registry.ts';
import { arithmeticOps } from './arithmetic.ts';
import { MatMul } from './matmul.ts';

/** The one place every op definition is registered. */
for (const def of [...arithmeticOps, MatMul]) registerOp(def);
