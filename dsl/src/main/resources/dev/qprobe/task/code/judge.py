# The trusted half of dev.qprobe.task.code.PythonSandbox: it never runs a completion's code.
#   python3 -I -S -B -c <common.py + this source>      reads one JSON request on stdin, prints one JSON line.
#
# Why two processes: whatever runs in the process that ran the completion can be rebound by it
# (module globals, __main__, the builtins, the reporting code itself), so no verdict computed
# there can be trusted. Here each top-level `assert` of a test is split into
#   - leaves: the maximal sub-expressions that need the completion's names (`f(3)`, `root`),
#     which the worker (worker.py, next to the completion) evaluates and reports as plain data;
#   - a skeleton: the rest (`== [1, 2]`, `set(...)`, `math.isclose(..., 0.5)`), evaluated here
#     with the reported values put in place of the leaves.
# The worker never sees a skeleton, so a completion cannot read the expected values off the
# tests in its process; all it can report is values, which is all a correct function returns.
# An always-equal object cannot cross: values arrive as JSON of plain types (anything else is an
# opaque stand-in equal only to itself), and `==`/`!=` in a skeleton compare type-strictly.
#
# Requests:
#   {"mode": "split", "tests": [...]}                       -> {"tests": [[step, ...], ...]}
#       step: {"exec": src} (run next to the completion), {"eval": [leaf src, ...]} (an assert's
#       leaves) or {"whole": src} (an assert that cannot be split, evaluated beside the completion)
#   {"mode": "judge", "items": [{"tests": [...], "report": "<worker's report>"}, ...]}
#       -> [["OUTCOME", "detail"], ...], one per item; each item gets its own CPU budget, so one
#       hostile report cannot cost the others in its batch their verdicts.
#   A test that is not valid Python: {"error": "..."} / ["ERROR", "..."].
import ast
import builtins
import cmath
import json
import math
import signal
import sys

SAFE_BUILTINS = ("abs", "all", "any", "bool", "bytes", "chr", "complex", "dict", "divmod", "enumerate",
                 "filter", "float", "frozenset", "int", "isinstance", "len", "list", "map", "max", "min",
                 "ord", "pow", "range", "repr", "reversed", "round", "set", "sorted", "str", "sum",
                 "tuple", "type", "zip", "ValueError", "TypeError", "Exception")
MODULES = {"math": math, "cmath": cmath}
TRUSTED = frozenset(SAFE_BUILTINS) | frozenset(MODULES) | {"True", "False", "None"}
LEAF = "__qprobe_leaf"
EQ = "__qprobe_eq"
DETAIL_CHARS = 400


ITEM_CPU_SECONDS = 1.0


class Unsplittable(Exception):
    pass


class TimeUp(BaseException):
    """Raised by SIGPROF when one item has used its CPU budget."""


class Splitter(ast.NodeTransformer):
    """Replaces each leaf of an assert's expression with __qprobe_leaf(i); collects leaf sources."""

    def __init__(self):
        self.leaves = []
        self.scopes = []

    def untrusted_root(self, node):
        while True:
            if isinstance(node, ast.Name):
                return node.id not in TRUSTED and not any(node.id in scope for scope in self.scopes)
            if isinstance(node, ast.Attribute) or isinstance(node, ast.Subscript):
                node = node.value
            elif isinstance(node, ast.Call):
                node = node.func
            else:
                return False

    def leaf(self, node):
        if self.scopes:
            # Inside a lambda or comprehension a leaf may need a name bound there, or run once
            # per item: it cannot be evaluated once, apart from its skeleton.
            raise Unsplittable()
        self.leaves.append(ast.unparse(node))
        call = ast.Call(func=ast.Name(id=LEAF, ctx=ast.Load()), args=[ast.Constant(len(self.leaves) - 1)],
                        keywords=[])
        return ast.copy_location(call, node)

    def visit(self, node):
        if isinstance(node, (ast.Name, ast.Attribute, ast.Subscript, ast.Call)) and self.untrusted_root(node):
            return self.leaf(node)
        if isinstance(node, (ast.NamedExpr, ast.Await, ast.Yield, ast.YieldFrom, ast.Starred)):
            raise Unsplittable()
        if isinstance(node, ast.Compare) and len(node.ops) == 1 and isinstance(node.ops[0], (ast.Eq, ast.NotEq)):
            return strict_compare(node, self.visit(node.left), self.visit(node.comparators[0]))
        if isinstance(node, (ast.Lambda, ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)):
            self.scopes.append(bound_names(node))
            try:
                return self.generic_visit(node)
            finally:
                self.scopes.pop()
        return self.generic_visit(node)


def bound_names(node):
    """The names a lambda's parameters or a comprehension's targets bind."""
    if isinstance(node, ast.Lambda):
        a = node.args
        params = a.posonlyargs + a.args + a.kwonlyargs + [p for p in (a.vararg, a.kwarg) if p]
        return {p.arg for p in params}
    return {n.id for g in node.generators for n in ast.walk(g.target) if isinstance(n, ast.Name)}


class StrictOnly(ast.NodeTransformer):
    """Rewrites == and != to the strict check, for asserts evaluated beside the completion."""

    def visit_Compare(self, node):
        node = self.generic_visit(node)
        if len(node.ops) == 1 and isinstance(node.ops[0], (ast.Eq, ast.NotEq)):
            return strict_compare(node, node.left, node.comparators[0])
        return node


def strict_compare(node, left, right):
    call = ast.Call(func=ast.Name(id=EQ, ctx=ast.Load()), args=[left, right], keywords=[])
    if isinstance(node.ops[0], ast.NotEq):
        call = ast.UnaryOp(op=ast.Not(), operand=call)
    return ast.copy_location(call, node)


def plan(tests):
    """Per test, per statement: (step for the worker, skeleton expression or None)."""
    planned = []
    for i, source in enumerate(tests):
        try:
            module = ast.parse(source, "<test %d>" % (i + 1))
        except SyntaxError as e:
            raise ValueError("test %d is not valid Python: %s (line %s)" % (i + 1, e.msg, e.lineno))
        steps = []
        for statement in module.body:
            if not isinstance(statement, ast.Assert):
                steps.append(({"exec": ast.unparse(statement)}, None))
                continue
            splitter = Splitter()
            try:
                skeleton = splitter.visit(statement.test)
                steps.append(({"eval": splitter.leaves}, ast.fix_missing_locations(skeleton)))
            except Unsplittable:
                whole = ast.fix_missing_locations(StrictOnly().visit(statement.test))
                steps.append(({"whole": ast.unparse(whole)}, None))
        planned.append(steps)
    return planned


class Opaque:
    """A value the worker could not send as plain data: equal to nothing but itself."""
    __slots__ = ("type_name",)

    def __init__(self, type_name):
        self.type_name = type_name

    def __repr__(self):
        return "<" + self.type_name + " object>"

    def __bool__(self):
        return False


class Raised(Exception):
    def __init__(self, type_name, message):
        super().__init__(type_name + ": " + message)
        self.type_name = type_name


def decode(v):
    tag = v[0]
    if tag == "N":
        return None
    if tag == "b":
        return bool(v[1])
    if tag == "i":
        return int(v[1])
    if tag == "f":
        return float(v[1])
    if tag == "c":
        return complex(float(v[1]), float(v[2]))
    if tag == "s":
        return str(v[1])
    if tag == "y":
        return bytes.fromhex(v[1])
    if tag == "l":
        return [decode(x) for x in v[1]]
    if tag == "t":
        return tuple(decode(x) for x in v[1])
    if tag == "S":
        return set(decode(x) for x in v[1])
    if tag == "F":
        return frozenset(decode(x) for x in v[1])
    if tag == "d":
        return {decode(k): decode(x) for k, x in v[1]}
    if tag == "g":
        return iter([decode(x) for x in v[1]])
    if tag == "o":
        return Opaque(str(v[1]))
    raise ValueError("unknown value tag " + repr(tag))


def judge(tests, report_text):
    planned = plan(tests)
    report = json.loads(report_text)
    if report.get("blocked"):
        return line("BLOCKED", report["blocked"])
    if report.get("failure"):
        outcome, detail = report["failure"]
        return line(outcome if outcome in ("ERROR", "MEMORY", "TIMEOUT") else "ERROR", detail)
    results = report["tests"]
    if len(results) != len(planned):
        return line("ERROR", "the worker reported %d of %d tests" % (len(results), len(planned)))
    for i, (steps, reported) in enumerate(zip(planned, results)):
        where = "test %d" % (i + 1)
        if len(reported) != len(steps):
            return line("ERROR", where + ": the worker reported %d of %d statements" % (len(reported), len(steps)))
        for (step, skeleton), got in zip(steps, reported):
            verdict = judge_step(where, tests[i], step, skeleton, got)
            if verdict is not None:
                return verdict
    return ["PASSED", ""]


def judge_step(where, source, step, skeleton, got):
    if "raised" in got:
        type_name, message = got["raised"]
        return failure(where, type_name, message, source)
    if "exec" in step:
        return None if got.get("ok") is True else line("ERROR", where + ": no report for a statement")
    if "whole" in step:
        return None if got.get("value") is True else line("ASSERTION", where + " failed: " + source.strip())
    values = got["values"]
    if len(values) != len(step["eval"]):
        return line("ERROR", where + ": the worker reported %d of %d values" % (len(values), len(step["eval"])))

    def leaf(k):
        v = values[k]
        if v[0] == "e":
            raise Raised(str(v[1]), str(v[2]))
        return decode(v)

    names = {"__builtins__": {n: getattr(builtins, n) for n in SAFE_BUILTINS}, LEAF: leaf, EQ: strict_eq}
    names.update(MODULES)
    code = compile(ast.Expression(skeleton), "<" + where + ">", "eval")
    try:
        ok = eval(code, names)
    except Raised as e:
        return failure(where, e.type_name, str(e).partition(": ")[2], source)
    except Exception as e:
        return line("ERROR", where + " raised " + type(e).__name__ + ": " + str(e))
    return None if ok else line("ASSERTION", where + " failed: " + source.strip())


def failure(where, type_name, message, source):
    if type_name == "MemoryError":
        return line("MEMORY", "out of memory in " + where)
    if type_name == "AssertionError":
        return line("ASSERTION", where + " failed: " + source.strip())
    return line("ERROR", where + " raised " + type_name + ": " + message)


def line(outcome, detail):
    detail = " ".join(str(detail).split())
    if len(detail) > DETAIL_CHARS:
        detail = detail[:DETAIL_CHARS] + "..."
    return [outcome, detail]


def judge_item(item):
    try:
        signal.setitimer(signal.ITIMER_PROF, ITEM_CPU_SECONDS)
        return judge(item["tests"], item["report"])
    except TimeUp:
        return line("ERROR", "judging took more than %g s of CPU" % ITEM_CPU_SECONDS)
    except ValueError as e:
        return line("ERROR", str(e))
    except Exception as e:
        return line("ERROR", "unreadable worker report: " + type(e).__name__ + ": " + str(e))
    finally:
        signal.setitimer(signal.ITIMER_PROF, 0)


def raise_time_up(signum, frame):
    raise TimeUp()


def main():
    request = json.loads(sys.stdin.read())
    set_limits(request["limits"])
    if request["mode"] == "split":
        try:
            answer = {"tests": [[step for step, _ in steps] for steps in plan(request["tests"])]}
        except ValueError as e:
            answer = {"error": str(e)}
    else:
        signal.signal(signal.SIGPROF, raise_time_up)
        answer = []
        for item in request["items"]:
            try:
                answer.append(judge_item(item))
            except TimeUp:  # fired just as the item ended
                answer.append(line("ERROR", "judging took more than %g s of CPU" % ITEM_CPU_SECONDS))
    sys.stdout.write("\n" + json.dumps(answer) + "\n")


main()
