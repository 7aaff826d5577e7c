"""A kernel manager that starts every kernel inside the bubblewrap sandbox.

nbgrader_config.py sets ``c.Execute.kernel_manager_class`` to
``SandboxKernelManager``, so ``nbgrader autograde``, ``nbgrader validate`` and
``course autograde`` all start sandboxed kernels. The kernel talks to the grader
over unix sockets (``transport="ipc"``) in a private directory bound into the
sandbox, because the sandbox has no network, not even loopback.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import typing as t

from jupyter_client.manager import AsyncKernelManager

from .sandbox import (
    Sandbox,
    SandboxUnavailable,
    UNSAFE_ENV,
    bwrap_works,
    make_cgroups,
    new_kernel_name,
    remove_cgroups,
    sandbox_command,
    scrub_env,
)


class SandboxKernelManager(AsyncKernelManager):
    """An AsyncKernelManager whose kernels run in bubblewrap (see course.grading.sandbox)."""

    _sandbox_dir: str | None = None
    _cgroups: list = []
    sandboxed: bool = False

    @property
    def settings(self) -> Sandbox:
        return Sandbox(config=self.config)

    async def _async_pre_start_kernel(self, **kw: t.Any):
        settings = self.settings
        use_sandbox = settings.enabled
        if settings.unsafe:
            self.log.warning("UNSAFE GRADING (%s=1 or c.Sandbox.allow_unsafe): the kernel runs without "
                             "the sandbox and can read solutions, the gradebook and the network", UNSAFE_ENV)
            use_sandbox = False
        elif use_sandbox:
            problem = bwrap_works(settings.bwrap)
            if problem and os.environ.get("NBGRADER_EXECUTION") == "validate":
                # Validate is a learner checking their own notebook (the Validate button on
                # macOS, Windows or Binder, where bubblewrap cannot run): nothing to protect.
                # Grading (NBGRADER_EXECUTION=autograde) still refuses below.
                self.log.warning("no grading sandbox (%s): validating this notebook without it", problem)
                use_sandbox = False
            elif problem:
                raise SandboxUnavailable(
                        f"Refusing to run student code without a sandbox: {problem}. Install "
                        f"bubblewrap, or set {UNSAFE_ENV}=1 (or c.Sandbox.allow_unsafe = True) to "
                        "grade UNSAFELY, with student code able to read solutions, the gradebook "
                        "and the network.")
        else:
            raise SandboxUnavailable(
                f"c.Sandbox.enabled is False: set {UNSAFE_ENV}=1 or c.Sandbox.allow_unsafe = True "
                "to grade without a sandbox.")
        self.sandboxed = use_sandbox
        if use_sandbox:
            self._sandbox_dir = tempfile.mkdtemp(prefix="course-kernel-")
            os.chmod(self._sandbox_dir, 0o700)
            self.transport = "ipc"
            self.ip = os.path.join(self._sandbox_dir, "k")
            self.connection_file = os.path.join(self._sandbox_dir, "connection.json")
        kernel_cmd, kw = await super()._async_pre_start_kernel(**kw)
        if use_sandbox:
            name = new_kernel_name()
            self._cgroups = make_cgroups(settings, name)
            cwd = kw.get("cwd") or os.getcwd()
            kernel_cmd = sandbox_command(kernel_cmd, settings=settings, config=self.config, cwd=cwd,
                                         ipc_dir=self._sandbox_dir, cgroups=self._cgroups)
            kw["env"] = scrub_env(kw.get("env") or dict(os.environ))
        return kernel_cmd, kw

    async def _async_interrupt_kernel(self) -> None:
        if self.shutting_down:
            # jupyter_client interrupts before its shutdown_request, and the two race: the
            # SIGINT can land inside the kernel's shutdown handler, which then lingers until
            # SIGTERM (2.5 s a notebook). Grading only shuts down idle kernels; a busy one
            # that ignores the shutdown request still gets SIGTERM, then SIGKILL.
            return
        # Signals sent to bwrap's process group do not reach the kernel reliably
        # across the PID namespace: ask the kernel itself (it signals its own PID).
        if self.sandboxed:
            msg = self.session.msg("interrupt_request", content={})
            self._connect_control_socket()
            self.session.send(self._control_socket, msg)
            return
        await super()._async_interrupt_kernel()

    interrupt_kernel = _async_interrupt_kernel  # type: ignore[assignment]

    def _cleanup_sandbox(self) -> None:
        if self._cgroups:
            remove_cgroups(self._cgroups)
            self._cgroups = []
        if self._sandbox_dir:
            shutil.rmtree(self._sandbox_dir, ignore_errors=True)
            self._sandbox_dir = None

    async def _async_cleanup_resources(self, restart: bool = False) -> None:
        await super()._async_cleanup_resources(restart=restart)
        if not restart:
            self._cleanup_sandbox()

    cleanup_resources = _async_cleanup_resources  # type: ignore[assignment]

    async def _async_shutdown_kernel(self, now: bool = False, restart: bool = False) -> None:
        try:
            await super()._async_shutdown_kernel(now=now, restart=restart)
        finally:
            if not restart:
                self._cleanup_sandbox()

    shutdown_kernel = _async_shutdown_kernel  # type: ignore[assignment]
