import { type CelInput, type CelResult, type CelValue, CelScalar, celEnv, isCelError, isCelList, isCelMap, isCelUint, parse, plan } from '@bufbuild/cel';
import { RegistryError } from '../errors/registry-error.js';
import type { GateSubject } from './gate-types.js';

/*
 * Gate conditions are CEL expressions over `version` and `model`. They are
 * compiled when a policy is saved, so a syntax error or a misspelt name is
 * refused then rather than failing every promotion later, and evaluated per
 * gate, where nothing may throw: an error is a failed condition with a reason.
 *
 * Binding conventions (CEL's own JSON mapping): numbers are doubles, which
 * compare with int literals as expected (`version.number >= 2`) but need
 * double operands in arithmetic (`version.number + 1.0`); object fields
 * holding null or undefined are absent, so `has(version.license)` is false and
 * reading them fails the condition with "field not found"; dates become
 * RFC 3339 strings (compare them through `timestamp(…)`).
 */

export const conditionVariables = ['version', 'model'] as const;

export interface ConditionOutcome {
  readonly passed: boolean;
  readonly why: string;
}

export interface CompiledCondition {
  readonly expr: string;
  /** Never throws: an evaluation error or a non-boolean result is a failure whose `why` says so. */
  evaluate(subject: GateSubject): ConditionOutcome;
}

const MAX_EXPR_LENGTH = 2000;
const MAX_CACHED = 1000;

const env = celEnv({ variables: { version: CelScalar.DYN, model: CelScalar.DYN } });
const compiled = new Map<string, CompiledCondition>();

/** Type names CEL resolves as identifiers (`type(x) == int`). */
const typeIdentifiers = new Set(['bool', 'bytes', 'double', 'int', 'list', 'map', 'null_type', 'string', 'type', 'uint']);
/** Operators the planner implements itself rather than through the function table. */
const plannerOperators = new Set(['_&&_', '_||_', '_?_:_', '_[_]', '_[?_]', '_?._', '@not_strictly_false', '__not_strictly_false__']);

export function compileCondition(expr: string): CompiledCondition {
  const cached = compiled.get(expr);
  if (cached !== undefined) return cached;
  const condition = compile(expr);
  if (compiled.size >= MAX_CACHED) compiled.delete(compiled.keys().next().value!);
  compiled.set(expr, condition);
  return condition;
}

function compile(expr: string): CompiledCondition {
  if (expr.length > MAX_EXPR_LENGTH) refuse(expr, `is longer than ${MAX_EXPR_LENGTH} characters`);
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(expr);
  } catch (cause) {
    refuse(expr, `is not valid CEL: ${describeParseError(cause)}`, cause);
  }
  const names = referencedNames(parsed.expr);
  const unknown = [...names.identifiers].filter((n) => !(conditionVariables as readonly string[]).includes(n) && !typeIdentifiers.has(n));
  if (unknown.length > 0) {
    refuse(expr, `uses ${list(unknown)}, which ${unknown.length === 1 ? 'is' : 'are'} not defined; a condition can use only \`version\` and \`model\``);
  }
  const unknownFunctions = [...names.functions].filter((f) => !plannerOperators.has(f) && env.funcs.find(f) === undefined);
  if (unknownFunctions.length > 0) refuse(expr, `calls ${list(unknownFunctions)}, which CEL does not define`);
  if (names.messages.size > 0) refuse(expr, `constructs ${list([...names.messages])}; conditions cannot build messages`);
  let run: (bindings: ReturnType<typeof celBindings>) => CelResult;
  try {
    run = plan(env, parsed);
  } catch (cause) {
    refuse(expr, `cannot be planned: ${(cause as Error).message}`, cause);
  }
  return {
    expr,
    evaluate(subject) {
      let result: CelValue | Error;
      try {
        result = run(celBindings(subject));
      } catch (cause) {
        result = cause instanceof Error ? cause : new Error(String(cause));
      }
      if (isCelError(result) || result instanceof Error) return { passed: false, why: `${expr} could not be evaluated: ${result.message}` };
      if (result === true) return { passed: true, why: `${expr} is true` };
      if (result === false) return { passed: false, why: `${expr} is false` };
      return { passed: false, why: `${expr} gave ${describeValue(result)}, not true or false` };
    },
  };
}

/** The subject as CEL sees it (see the binding conventions above). */
export function celBindings(subject: GateSubject): { version: CelInput; model: CelInput } {
  return { version: toCel(subject.version) ?? {}, model: toCel(subject.model) ?? {} };
}

function toCel(value: unknown): CelInput | undefined {
  switch (typeof value) {
    case 'string':
    case 'boolean':
    case 'number':
    case 'bigint':
      return value;
    case 'object':
      if (value === null) return null;
      if (value instanceof Date) return value.toISOString();
      // Plain loops, not map/flatMap callbacks: a recursive callback inside an Array builtin is the shape that
      // tripped V8 11.3's deoptimizer (a fatal "unreachable code" in DoComputeBuiltinContinuation) under load.
      if (Array.isArray(value)) {
        const items: CelInput[] = [];
        for (const item of value) items.push(toCel(item) ?? null);
        return items;
      }
      const fields: Record<string, CelInput> = {};
      for (const key of Object.keys(value)) {
        const converted = toCel((value as Record<string, unknown>)[key]);
        if (converted !== undefined && converted !== null) fields[key] = converted;
      }
      return fields;
    default:
      return undefined;
  }
}

interface ReferencedNames {
  readonly identifiers: Set<string>;
  readonly functions: Set<string>;
  readonly messages: Set<string>;
}

type CelExpr = ReturnType<typeof parse>['expr'];

/** The free identifiers of an expression: comprehension variables (from macros such as `exists`) are bound inside their loop. */
function referencedNames(root: CelExpr): ReferencedNames {
  const names: ReferencedNames = { identifiers: new Set(), functions: new Set(), messages: new Set() };
  const visit = (expr: CelExpr | undefined, bound: ReadonlySet<string>): void => {
    const kind = expr?.exprKind;
    switch (kind?.case) {
      case 'identExpr':
        if (!bound.has(kind.value.name)) names.identifiers.add(kind.value.name);
        return;
      case 'selectExpr':
        return visit(kind.value.operand, bound);
      case 'callExpr':
        names.functions.add(kind.value.function);
        visit(kind.value.target, bound);
        for (const arg of kind.value.args) visit(arg, bound);
        return;
      case 'listExpr':
        for (const element of kind.value.elements) visit(element, bound);
        return;
      case 'structExpr':
        if (kind.value.messageName !== '') names.messages.add(kind.value.messageName);
        for (const entry of kind.value.entries) {
          if (entry.keyKind.case === 'mapKey') visit(entry.keyKind.value, bound);
          visit(entry.value, bound);
        }
        return;
      case 'comprehensionExpr': {
        const c = kind.value;
        visit(c.iterRange, bound);
        visit(c.accuInit, bound);
        const inner = new Set([...bound, c.iterVar, c.iterVar2, c.accuVar].filter((n) => n !== ''));
        visit(c.loopCondition, inner);
        visit(c.loopStep, inner);
        visit(c.result, inner);
        return;
      }
      default:
        return;
    }
  };
  visit(root, new Set());
  return names;
}

function describeParseError(cause: unknown): string {
  if (cause instanceof RangeError) return 'it is nested too deeply';
  const { rawMessage, location } = cause as { rawMessage?: unknown; location?: { start?: { line?: number; column?: number } } };
  const start = location?.start;
  if (typeof rawMessage === 'string' && start?.line !== undefined) return `line ${start.line}, column ${start.column}: ${rawMessage}`;
  return cause instanceof Error ? cause.message : String(cause);
}

function describeValue(value: CelValue): string {
  if (value === null) return 'null';
  switch (typeof value) {
    case 'bigint':
      return `the int ${value}`;
    case 'number':
      return `the double ${value}`;
    case 'string':
      return `the string ${JSON.stringify(value.length > 60 ? `${value.slice(0, 60)}…` : value)}`;
    default:
      if (isCelUint(value)) return `the uint ${value.value}`;
      if (isCelList(value)) return `a list of ${value.size} item${value.size === 1 ? '' : 's'}`;
      if (isCelMap(value)) return 'a map';
      if (value instanceof Uint8Array) return 'bytes';
      return 'a value of another type';
  }
}

const list = (names: readonly string[]): string => names.map((n) => `\`${n}\``).join(', ');

function refuse(expr: string, problem: string, cause?: unknown): never {
  throw new RegistryError('invalid_policy', `${JSON.stringify(expr)} ${problem}`, cause === undefined ? {} : { cause });
}
