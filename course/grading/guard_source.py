"""Code the grader runs inside the student's kernel (as text, never imported by the grader).

``INSTALL`` runs before any student code: it snapshots the machinery that
executes and judges test cells under a module name that is random per kernel.
``CHECK`` runs (with a fresh random token) before every graded test cell and
after the last cell; it prints ``token + JSON list of problems``. A missing or
malformed line is itself evidence of tampering (output swallowed or faked).
"""

INSTALL = r'''
def __course_guard_install(name):
    import builtins, sys, types
    guard = types.ModuleType(name)
    shell = get_ipython()
    watched_builtins = ["AssertionError", "Exception", "BaseException", "ValueError", "TypeError",
                        "KeyError", "NameError", "print", "isinstance", "len", "repr", "str", "type",
                        "abs", "round", "sum", "sorted", "list", "dict", "set", "tuple", "float", "int",
                        "bool", "range", "all", "any", "getattr", "hasattr", "__import__", "exec",
                        "eval", "compile", "open", "iter", "next", "min", "max", "zip", "map"]
    guard.builtins = {k: builtins.__dict__.get(k) for k in watched_builtins}
    guard.exc_attrs = {k: dict(vars(getattr(builtins, k))) for k in ("AssertionError", "BaseException", "Exception")}
    guard.sys_hooks = {k: getattr(sys, k, None) for k in ("excepthook", "displayhook", "breakpointhook", "unraisablehook")}
    guard.sys_objects = {k: getattr(sys, k) for k in ("modules", "meta_path", "path_hooks")}
    guard.meta_path = list(sys.meta_path)
    cls = type(shell)
    methods = ["showtraceback", "_showtraceback", "showsyntaxerror", "run_cell", "run_cell_async",
               "run_ast_nodes", "run_code", "transform_cell", "_run_cell", "should_run_async",
               "get_exception_only", "excepthook", "write_err" if hasattr(cls, "write_err") else "showtraceback"]
    guard.shell_cls = cls
    guard.shell_methods = {m: getattr(cls, m, None) for m in methods}
    guard.shell_instance_keys = set(vars(shell))
    guard.shell_state = {
        "custom_exceptions": shell.custom_exceptions,
        "ast_transformers": list(shell.ast_transformers),
        "input_transformers_post": list(getattr(shell, "input_transformers_post", [])),
        "input_transformers_cleanup": list(getattr(shell.input_transformer_manager, "cleanup_transforms", [])),
        "line_transforms": list(getattr(shell.input_transformer_manager, "line_transforms", [])),
        "token_transformers": list(getattr(shell.input_transformer_manager, "token_transformers", [])),
        "events": {k: list(v) for k, v in shell.events.callbacks.items()},
        "displayhook": shell.displayhook.__class__,
        "display_pub": shell.display_pub.__class__,
    }
    kernel = getattr(shell, "kernel", None)
    guard.kernel_cls = type(kernel) if kernel is not None else None
    guard.kernel_methods = {m: getattr(type(kernel), m, None) for m in
                            ("do_execute", "execute_request", "send_response", "_publish_execute_input")} if kernel else {}
    guard.kernel_instance_keys = set(vars(kernel)) if kernel is not None else set()
    guard.session_cls = type(kernel.session) if kernel is not None else None
    guard.session_methods = {m: getattr(type(kernel.session), m, None) for m in ("send", "serialize", "msg")} if kernel else {}
    guard.modules = {}
    def remember(modname):
        module = sys.modules.get(modname)
        if module is not None:
            guard.modules[modname] = (module, dict(vars(module)))
    for modname in ("builtins", "sys", "os", "traceback", "IPython.core.interactiveshell", "ipykernel.zmqshell",
                    "ipykernel.ipkernel", "ipykernel.kernelbase", "ipykernel.iostream", "jupyter_client.session",
                    "course", "course.checks", "course.fakes", "course.models", "course.responses", "course.errors",
                    "course.llm.fakes", "course.llm.base", "course.llm.registry", "course.llm.responses",
                    "numpy", "numpy.testing", "unittest", "math", "json", "re", "warnings"):
        remember(modname)
    guard.remember = remember
    guard.fake_classes = {}
    def snapshot_classes(modname):
        module = sys.modules.get(modname)
        if module is None:
            return
        for attr, value in list(vars(module).items()):
            if isinstance(value, type) and getattr(value, "__module__", "") == modname:
                guard.fake_classes[(modname, attr)] = (value, dict(vars(value)))
    for modname in ("course.fakes", "course.models", "course.responses", "course.llm.fakes", "course.llm.base",
                    "course.llm.responses"):
        snapshot_classes(modname)
    guard.snapshot_classes = snapshot_classes
    guard.trace = sys.gettrace()
    guard.profile = sys.getprofile()
    import threading
    guard.thread_trace = getattr(threading, "_trace_hook", None)
    guard.thread_profile = getattr(threading, "_profile_hook", None)
    guard.stdout_cls = type(sys.stdout)
    guard.stderr_cls = type(sys.stderr)
    guard.stdout_inst_write = vars(sys.stdout).get("write")
    guard.stderr_inst_write = vars(sys.stderr).get("write")
    def same(a, b):
        if a is b:
            return True
        try:
            return hasattr(a, "__self__") and hasattr(b, "__self__") and a.__self__ is b.__self__ and a.__func__ is b.__func__
        except Exception:
            return False
    guard.same = same
    guard.stdout_write = type(sys.stdout).write
    guard.stderr_write = type(sys.stderr).write
    sys.modules[name] = guard
__course_guard_install(%(name)r)
del __course_guard_install
'''

CHECK = r'''
def __course_guard_check(name, token):
    import builtins, sys, json, threading
    problems = []

    def patched(cls, methods, obj, instance_keys, method_changed, attribute_set, also=()):
        """A class's snapshotted methods that changed, and callables (or names in also) set on obj itself."""
        found = [method_changed.format(m) for m, value in methods.items() if getattr(cls, m, None) is not value]
        return found + [attribute_set.format(k) for k in set(vars(obj)) - instance_keys
                        if k in also or callable(vars(obj)[k])]

    guard = sys.modules.get(name)
    if guard is None:
        print(token + json.dumps(["the grader's guard module was removed from sys.modules"]))
        return
    same = guard.same
    for module_name in ("numpy", "numpy.testing", "course.fakes", "course.models", "course.responses",
                        "course.llm.fakes", "course.llm.base", "course.llm.registry", "course.llm.responses"):
        if module_name not in guard.modules and module_name in sys.modules:
            guard.remember(module_name)
            guard.snapshot_classes(module_name)
    for key, value in guard.builtins.items():
        if not same(builtins.__dict__.get(key), value):
            problems.append(f"builtins.{key} was replaced")
    for key, attrs in guard.exc_attrs.items():
        if dict(vars(guard.builtins[key])) != attrs:
            problems.append(f"{key}'s attributes were changed")
    for key, value in guard.sys_hooks.items():
        if not same(getattr(sys, key, None), value):
            problems.append(f"sys.{key} was replaced")
    for key, value in guard.sys_objects.items():
        if getattr(sys, key) is not value:
            problems.append(f"sys.{key} was replaced")
    if list(sys.meta_path) != guard.meta_path:
        problems.append("sys.meta_path (import hooks) was changed")
    if sys.gettrace() is not guard.trace:
        problems.append("a trace function was set (sys.settrace)")
    if sys.getprofile() is not guard.profile:
        problems.append("a profile function was set (sys.setprofile)")
    if getattr(threading, "_trace_hook", None) is not guard.thread_trace or getattr(threading, "_profile_hook", None) is not guard.thread_profile:
        problems.append("a thread trace or profile hook was set")
    if type(sys.stdout) is not guard.stdout_cls or type(sys.stderr) is not guard.stderr_cls:
        problems.append("sys.stdout or sys.stderr was replaced")
    elif type(sys.stdout).write is not guard.stdout_write or type(sys.stderr).write is not guard.stderr_write:
        problems.append("the output streams' write method was patched")
    shell = get_ipython()
    if type(shell) is not guard.shell_cls:
        problems.append("IPython's shell was replaced")
    problems += patched(guard.shell_cls, guard.shell_methods, shell, guard.shell_instance_keys,
                        "IPython's InteractiveShell.{} was patched", "the IPython shell's {} was overridden",
                        also=guard.shell_methods)
    state = guard.shell_state
    if shell.custom_exceptions != state["custom_exceptions"]:
        problems.append("IPython custom exception handlers were installed (set_custom_exc)")
    if list(shell.ast_transformers) != state["ast_transformers"]:
        problems.append("IPython AST transformers were added (they can rewrite test cells)")
    if list(getattr(shell, "input_transformers_post", [])) != state["input_transformers_post"]:
        problems.append("IPython input transformers were added (they can rewrite test cells)")
    manager = shell.input_transformer_manager
    if (list(getattr(manager, "cleanup_transforms", [])) != state["input_transformers_cleanup"]
            or list(getattr(manager, "line_transforms", [])) != state["line_transforms"]
            or list(getattr(manager, "token_transformers", [])) != state["token_transformers"]):
        problems.append("IPython input transformers were changed (they can rewrite test cells)")
    events = {k: list(v) for k, v in shell.events.callbacks.items()}
    if events != state["events"]:
        problems.append("IPython event callbacks were registered (pre/post_run_cell)")
    if shell.displayhook.__class__ is not state["displayhook"] or shell.display_pub.__class__ is not state["display_pub"]:
        problems.append("IPython's display machinery was replaced")
    kernel = getattr(shell, "kernel", None)
    if guard.kernel_cls is not None:
        if type(kernel) is not guard.kernel_cls:
            problems.append("the kernel object was replaced")
        problems += patched(guard.kernel_cls, guard.kernel_methods, kernel, guard.kernel_instance_keys,
                            "the kernel's {} was patched", "the kernel's {} was overridden")
        if type(kernel.session) is not guard.session_cls or any(
                getattr(guard.session_cls, m, None) is not v for m, v in guard.session_methods.items()):
            problems.append("the kernel's message session was patched")
        if any(m in vars(kernel.session) for m in guard.session_methods):
            problems.append("the kernel's message session was patched")
    for modname, (module, attrs) in guard.modules.items():
        if sys.modules.get(modname) is not module:
            problems.append(f"module {modname} was replaced in sys.modules")
            continue
        now = vars(module)
        changed = sorted(k for k, v in attrs.items() if k in now and not same(now[k], v)
                         and not (k.startswith("__") and k.endswith("__")) and k not in ("_", "__", "___"))
        removed = sorted(k for k in attrs if k not in now and not k.startswith("__"))
        if modname in ("sys",):
            changed = [k for k in changed if k not in ("last_type", "last_value", "last_traceback", "last_exc", "ps1", "ps2", "_git", "stdout", "stderr")]
        if modname == "os":
            changed = [k for k in changed if k not in ("environ",)]
        if modname == "warnings":
            changed = [k for k in changed if k not in ("filters", "_filters_mutated", "showwarning", "_showwarnmsg_impl", "_onceregistry")]
        if changed or removed:
            problems.append(f"module {modname} was monkeypatched: {', '.join((changed + removed)[:6])}")
    for (modname, attr), (cls, attrs) in guard.fake_classes.items():
        now = dict(vars(cls))
        if any(not same(now.get(k), v) for k, v in attrs.items() if not k.startswith("__")) or set(now) - set(attrs) - {"__abstractmethods__", "_abc_impl"}:
            problems.append(f"course class {modname}.{attr} was monkeypatched")
    print(token + json.dumps(sorted(set(problems))))
__course_guard_check(%(name)r, %(token)r)
del __course_guard_check
'''

# A test that must fail: if its AssertionError does not reach the grader, failures are being hidden.
CANARY = "assert %(a)d == %(b)d, %(token)r"
