import { isConstantNode, isFunctionNode, isOperatorNode, isParenthesisNode, isSymbolNode, parse, type MathNode } from 'mathjs';
import { SetupError } from '../../util/setup-error.ts';

/**
 * An equation as written in config ("u_t + u*u_x - nu*u_xx"), parsed by mathjs's parser and narrowed to the small
 * language a residual needs: numbers, names, + - * / ^, unary minus, parentheses, the functions below and the
 * derivative form d(u, x) / d(u, x, 2). Anything else mathjs accepts (matrices, assignments, comparisons,
 * factorials, implicit multiplication, units …) is refused with the reason, so a typo never becomes a different
 * equation. Names stay unresolved here: what `u_xt` means depends on the domain (./names.ts).
 */
export type Expr =
  | { readonly kind: 'number'; readonly value: number }
  | { readonly kind: 'name'; readonly name: string }
  | { readonly kind: 'neg'; readonly arg: Expr }
  | { readonly kind: 'binary'; readonly op: BinaryOp; readonly left: Expr; readonly right: Expr }
  | { readonly kind: 'call'; readonly fn: string; readonly args: readonly Expr[] }
  | { readonly kind: 'd'; readonly field: string; readonly wrt: string; readonly order: number };

export type BinaryOp = '+' | '-' | '*' | '/' | '^';

/** The functions every equation may call (one argument each). */
export const FUNCTIONS = ['sin', 'cos', 'tan', 'exp', 'log', 'sqrt', 'abs', 'tanh', 'sinh', 'cosh'] as const;
export type FunctionName = (typeof FUNCTIONS)[number];

/** The highest derivative order a name like u_xxxx or d(u, x, 4) may ask for. */
export const MAX_ORDER = 4;

const OPERATORS: Readonly<Record<string, BinaryOp>> = { add: '+', subtract: '-', multiply: '*', divide: '/', pow: '^' };

/** A problem with one equation, located by its config key; `detail` may span lines (the equation and a caret). */
export class EquationError extends SetupError {
  constructor(key: string, detail: string) {
    super(`${key}: ${detail}`);
    this.name = 'EquationError';
  }
}

/**
 * Parses `text` (the value at config key `key`). `extraFunctions` are further function names the caller
 * evaluates itself (exact solutions may call tandem's Cole–Hopf Burgers solution); they take any argument count.
 */
export function parseExpression(text: string, key: string, extraFunctions: readonly string[] = []): Expr {
  let node: MathNode;
  try {
    node = parse(text);
  } catch (e) {
    const char = (e as { char?: number }).char;
    const message = (e as Error).message.replace(/\s*\(char \d+\)$/, '');
    if (typeof char !== 'number') throw new EquationError(key, `cannot parse "${text}": ${message}`);
    const column = Math.min(char, text.length + 1);
    throw new EquationError(key, `syntax error at column ${column}: ${message}\n  ${text}\n  ${' '.repeat(column - 1)}^`);
  }
  return narrow(node, text, key, new Set<string>([...FUNCTIONS, ...extraFunctions]));
}

function narrow(node: MathNode, text: string, key: string, functions: Readonly<Set<string>>): Expr {
  const refuse = (what: string): never => {
    throw new EquationError(key, `"${node.toString()}" in "${text}" ${what}`);
  };
  const sub = (n: MathNode) => narrow(n, text, key, functions);
  if (isConstantNode(node)) {
    if (typeof node.value !== 'number') refuse('is not a number; an equation computes with numbers only');
    return { kind: 'number', value: node.value as number };
  }
  if (isSymbolNode(node)) return { kind: 'name', name: node.name };
  if (isParenthesisNode(node)) return sub(node.content);
  if (isOperatorNode(node)) {
    const fn = node.fn as string;
    if (node.implicit) refuse(`multiplies without an operator; write the * explicitly ("${node.args.map((a) => a.toString()).join(' * ')}")`);
    if (fn === 'unaryMinus') return { kind: 'neg', arg: sub(node.args[0]) };
    if (fn === 'unaryPlus') return sub(node.args[0]);
    const binary = OPERATORS[fn];
    if (!binary || node.args.length !== 2) return refuse(`uses the operator "${node.op as string}"; equations use + - * / ^, unary minus and parentheses`);
    return { kind: 'binary', op: binary, left: sub(node.args[0]), right: sub(node.args[1]) };
  }
  if (isFunctionNode(node)) {
    const callee: MathNode = node.fn;
    const name = isSymbolNode(callee) ? callee.name : callee.toString();
    if (name === 'd') return derivativeCall(node.args, refuse);
    if (!functions.has(name)) return refuse(`calls "${name}", which is not a function here; the functions are ${[...functions].join(', ')} and d(u, x[, order])`);
    if ((FUNCTIONS as readonly string[]).includes(name) && node.args.length !== 1) refuse(`gives ${name} ${node.args.length} arguments; it takes one`);
    return { kind: 'call', fn: name, args: node.args.map(sub) };
  }
  return refuse(`is a ${node.type.replace(/Node$/, '').toLowerCase()}, which an equation cannot hold; equations use numbers, names, + - * / ^, parentheses and functions`);
}

/** d(u, x) or d(u, x, k): the field and the coordinate must be plain names, k a whole number 1…MAX_ORDER. */
function derivativeCall(args: readonly MathNode[], refuse: (what: string) => never): Expr {
  if (args.length < 2 || args.length > 3) refuse(`has ${args.length} arguments; write d(field, coordinate) or d(field, coordinate, order)`);
  const [field, wrt, order] = args;
  if (!isSymbolNode(field) || !isSymbolNode(wrt)) return refuse('differentiates an expression; d() takes a model output and a coordinate by name, e.g. d(u, x, 2)');
  const k = order === undefined ? 1 : isConstantNode(order) ? order.value : undefined;
  if (typeof k !== 'number' || !Number.isInteger(k) || k < 1 || k > MAX_ORDER) refuse(`asks for order ${order?.toString()}; the order is a whole number from 1 to ${MAX_ORDER}`);
  return { kind: 'd', field: field.name, wrt: wrt.name, order: k as number };
}

/** Every name the expression reads (derivative names like u_xx included, as written). */
export function namesIn(e: Expr, out = new Set<string>()): Set<string> {
  switch (e.kind) {
    case 'name':
      out.add(e.name);
      break;
    case 'd':
      out.add(e.field);
      break;
    case 'neg':
      namesIn(e.arg, out);
      break;
    case 'binary':
      namesIn(e.left, out);
      namesIn(e.right, out);
      break;
    case 'call':
      e.args.forEach((a) => namesIn(a, out));
      break;
  }
  return out;
}
