"""Benchmarks: print a table and write bench-results.json.

    make bench            # everything
    python benchmarks/run.py --skip-notebooks

Measures, on this machine, in one run:
  - `import course` (fresh interpreter, best of 5)
  - local model: load time, first answer latency, generation tokens per second
  - MiniLM embedding throughput (sentences per second)
  - wall time to execute each source notebook top to bottom (demos included)

Numbers, not assertions: the machine is shared and noisy, so compare ratios
from the same run rather than absolute times across runs.
"""

from __future__ import annotations

import argparse
import json
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def timed(function, *args, **kwargs):
    started = time.perf_counter()
    result = function(*args, **kwargs)
    return time.perf_counter() - started, result


def bench_import(repeats: int = 5) -> dict:
    times = []
    for _ in range(repeats):
        out = subprocess.run(
            [sys.executable, "-c", "import time; t = time.perf_counter(); import course; print(time.perf_counter() - t)"],
            capture_output=True, text=True, check=True).stdout
        times.append(float(out))
    return {"import_course_s": min(times), "import_course_median_s": statistics.median(times)}


def bench_local_model() -> dict:
    from course.llm.local import LocalModel

    model = LocalModel()
    load_s, _ = timed(lambda: model.llama)
    messages = [{"role": "user", "content": "Explain what a unit test is."}]
    first_s, _ = timed(model.chat, messages, max_tokens=16)
    generation = []
    for seed in range(3):
        seconds, reply = timed(model.chat, [{"role": "user", "content": f"Write a long story about a robot, part {seed}."}],
                               max_tokens=96, seed=seed)
        generation.append(reply.usage.output_tokens / seconds)
    return {"local_model_load_s": load_s, "local_first_answer_s": load_s + first_s,
            "local_tokens_per_s": statistics.median(generation)}


def bench_embeddings() -> dict:
    from course.embeddings import MiniLMEmbedder

    load_s, embedder = timed(MiniLMEmbedder)
    from course.datasets import load_corpus

    sentences = [line for doc in load_corpus() for line in doc.text.split("\n") if len(line) > 30][:256]
    embedder.embed(sentences[:8])  # warm up
    seconds, _ = timed(embedder.embed, sentences)
    return {"embedding_load_s": load_s, "embedding_sentences": len(sentences),
            "embedding_sentences_per_s": len(sentences) / seconds}


def bench_notebooks() -> dict:
    import nbformat
    from nbclient import NotebookClient

    results = {}
    for path in sorted((ROOT / "source").glob("*/*.ipynb")):
        notebook = nbformat.read(path, as_version=4)
        client = NotebookClient(notebook, timeout=600, kernel_name="python3",
                                resources={"metadata": {"path": str(path.parent)}})
        seconds, _ = timed(client.execute)
        results[f"notebook_{path.parent.name}_s"] = seconds
    return results


def write_results(results: dict, out: str) -> int:
    """Write the numbers as JSON for later comparison; the exit status of a benchmark script."""
    Path(out).write_text(json.dumps(results, indent=2) + "\n")
    print(f"written {out}")
    return 0


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description="Course benchmarks")
    parser.add_argument("--skip-notebooks", action="store_true")
    parser.add_argument("--out", default=str(ROOT / "bench-results.json"))
    args = parser.parse_args(argv)
    results = {"machine": f"{platform.machine()}, {platform.python_version()}, {__import__('os').cpu_count()} cores",
               "date": time.strftime("%Y-%m-%d %H:%M:%S")}
    for name, bench in [("import", bench_import), ("local model", bench_local_model),
                        ("embeddings", bench_embeddings), ("notebooks", bench_notebooks)]:
        if name == "notebooks" and args.skip_notebooks:
            continue
        print(f"... {name}", file=sys.stderr, flush=True)
        results.update(bench())
    width = max(len(k) for k in results)
    print(f"{'metric':{width}}  value")
    for key, value in results.items():
        shown = f"{value:.3f}" if isinstance(value, float) else str(value)
        print(f"{key:{width}}  {shown}")
    return write_results(results, args.out)


if __name__ == "__main__":
    sys.exit(main())
