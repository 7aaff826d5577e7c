"""Safe and fast autograding for the course.

- ``sandbox``: the bubblewrap sandbox settings (the ``Sandbox`` configurable) and
  the command that wraps a kernel in it;
- ``kernel``: ``SandboxKernelManager``, the kernel manager nbgrader uses (set in
  nbgrader_config.py), so ``nbgrader autograde`` and ``nbgrader validate`` run
  student code sandboxed;
- ``tamper``: the executor and checks that detect tampering with grading and flag
  the submission for manual review;
- ``feedback``: a preprocessor that removes hidden tests from feedback;
- ``cli``: the ``course`` console script (``course autograde``, ``course report``),
  with ``progress`` (its progress bar) and ``resume`` (what ``--resume`` skips);
- ``late``: the course's late-penalty plugin, and recomputing penalties later;
- ``lms``: ``nbgrader export`` plugins that write Canvas and Moodle grade import files.

See docs/GRADING.md.
"""
