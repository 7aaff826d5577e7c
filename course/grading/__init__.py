"""Safe and fast autograding for the course.

- ``sandbox``: the bubblewrap sandbox settings (the ``Sandbox`` configurable) and
  the command that wraps a kernel in it;
- ``kernel``: ``SandboxKernelManager``, the kernel manager nbgrader uses (set in
  nbgrader_config.py), so ``nbgrader autograde`` and ``nbgrader validate`` run
  student code sandboxed;
- ``inspect``: the checks of a submission before it runs (its folder, its cells
  against the gradebook, its code for tampering with grading);
- ``execute``: the guarded executor that runs it (guard, canaries, hard limits);
- ``flags``: what those two found; ``gradebook``: the findings written to and read
  from the gradebook, and merging a worker's rows (``tamper`` re-exports the old names);
- ``feedback``: a preprocessor that removes hidden tests from feedback;
- ``cli``: the ``course`` console script (``course autograde``, ``course report``);
  ``parallel`` grades with local ``worker`` processes or on a Dask ``cluster``, with
  ``progress`` (its progress bar) and ``resume`` (what ``--resume`` skips);
- ``config``: the one loader of nbgrader_config.py;
- ``late``: the course's late-penalty plugin, and recomputing penalties later;
- ``lms``: ``nbgrader export`` plugins that write Canvas and Moodle grade import files.

See docs/GRADING.md.
"""
