import { describe, expect, it } from 'vitest';
import { namesIn, parseExpression } from '../../src/physics/pinn/expression.ts';
import { resolveName } from '../../src/physics/pinn/names.ts';

// specs/pinn.md §2: the equation language, narrowed from what mathjs parses.
const KEY = 'train.loss.pde.equation';
const refused = (text: string) => () => parseExpression(text, KEY);

describe('the equation language', () => {
  it('parses the operators, functions and derivative forms into names and calls', () => {
    const e = parseExpression('-(u_t + u*u_x)^2 / 2 - d(u, x, 2) + sin(pi*x)', KEY);
    expect([...namesIn(e)].sort()).toEqual(['pi', 'u', 'u_t', 'u_x', 'x']);
    expect(parseExpression('-u^2', KEY)).toEqual({ kind: 'neg', arg: { kind: 'binary', op: '^', left: { kind: 'name', name: 'u' }, right: { kind: 'number', value: 2 } } });
  });

  it('refuses what mathjs accepts but an equation cannot hold, saying why', () => {
    expect(refused('2x')).toThrow(/"2 x" in "2x" multiplies without an operator; write the \* explicitly \("2 \* x"\)/);
    expect(refused('u == 1')).toThrow(/uses the operator "=="; equations use \+ - \* \/ \^/);
    expect(refused('x!')).toThrow(/uses the operator "!"/);
    expect(refused('[1, 2]')).toThrow(/is a array, which an equation cannot hold/);
    expect(refused('a = 1')).toThrow(/is a assignment/);
    expect(refused('max(u, 1)')).toThrow(/calls "max", which is not a function here; the functions are sin, cos, tan, exp, log, sqrt, abs, tanh, sinh, cosh and d\(u, x\[, order\]\)/);
    expect(refused('sin(x, t)')).toThrow(/gives sin 2 arguments; it takes one/);
    expect(refused('d(u + v, x)')).toThrow(/d\(\) takes a model output and a coordinate by name/);
    expect(refused('d(u, x, 5)')).toThrow(/asks for order 5; the order is a whole number from 1 to 4/);
    expect(refused('"u"')).toThrow(/is not a number/);
  });

  it('reports a syntax error with its column and a caret under it', () => {
    expect(refused('u_t + * u')).toThrow(`${KEY}: syntax error at column 7: Value expected\n  u_t + * u\n        ^`);
  });

  it('resolves subscripts to sorted coordinate indices, up to order 4', () => {
    const ns = { outputs: ['u', 'u_ref'], coordinates: ['x', 'y', 't'], constants: ['nu'] };
    expect(resolveName('u_tx', ns, KEY, '')).toEqual({ kind: 'derivative', field: 'u', wrt: [0, 2] });
    expect(resolveName('u_ref', ns, KEY, '')).toEqual({ kind: 'output', name: 'u_ref' });
    expect(resolveName('u_ref_x', ns, KEY, '')).toEqual({ kind: 'derivative', field: 'u_ref', wrt: [0] });
    expect(() => resolveName('u_xxyyt', ns, KEY, 'u_xxyyt')).toThrow(/is a derivative of order 5; the highest order is 4/);
    expect(() => resolveName('x_t', ns, KEY, 'x_t')).toThrow(/differentiates the coordinate "x"/);
  });
});
