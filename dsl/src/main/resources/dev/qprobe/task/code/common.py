# Shared by worker.py and judge.py: PythonSandbox runs each as `python3 -c <common.py + script>`.
import resource

NUMBERS = (bool, int, float, complex)


def set_limits(limits):
    """Hard limits too, so the code that runs next cannot raise them again; 0 leaves one unset."""
    for name, value in (("RLIMIT_AS", limits["memoryBytes"]), ("RLIMIT_CPU", limits["cpuSeconds"]),
                        ("RLIMIT_FSIZE", limits["fileSizeBytes"]), ("RLIMIT_NOFILE", limits["openFiles"]),
                        ("RLIMIT_NPROC", limits["processes"]), ("RLIMIT_CORE", 0)):
        if value or name == "RLIMIT_CORE":
            resource.setrlimit(getattr(resource, name), (value, value))


def strict_eq(a, b):
    """== that also requires equal types (numbers compare as numbers), container by container."""
    ta, tb = type(a), type(b)
    if ta in NUMBERS and tb in NUMBERS:
        return a == b
    if ta is not tb:
        return False
    if ta is list or ta is tuple:
        return len(a) == len(b) and all(strict_eq(x, y) for x, y in zip(a, b))
    if ta is dict:
        return a.keys() == b.keys() and all(strict_eq(a[k], b[k]) for k in a)
    return a == b
