"""Give memory freed during start-up back to the operating system.

Opening the knowledge base allocates far more than it keeps: onnxruntime parses the 23 MB model,
folds its int8 weights into ~90 MB of float32 and repacks them for its matrix kernels, and the
Chroma reads and the sentence index go through temporary lists and arrays. glibc's malloc keeps
most of what is freed inside its heaps (only blocks above a threshold that grows with use go back
at once), so a process that has only answered questions still holds the start-up's peak: about
45-90 MB of free pages, measured in `benchmarks/memory.py`. `malloc_trim(0)` returns those pages
(in every thread's arena) and takes a few milliseconds; it changes no data and no later
allocation, so calling it after a large, one-off piece of work is safe. On a C library without
it (musl, macOS) this does nothing.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import logging
from functools import cache
from typing import Any

log = logging.getLogger(__name__)


@cache
def _libc() -> Any:
    name = ctypes.util.find_library("c")
    if name is None:
        return None
    try:
        libc = ctypes.CDLL(name)
        trim = libc.malloc_trim
    except (OSError, AttributeError):  # not glibc
        return None
    trim.argtypes = [ctypes.c_size_t]
    trim.restype = ctypes.c_int
    return libc


def release_free_memory() -> bool:
    """Return the C heap's free pages to the OS; True when some were released."""
    libc = _libc()
    if libc is None:
        return False
    released = bool(libc.malloc_trim(0))
    log.debug("malloc_trim released memory: %s", released)
    return released
