// The benchmark's mock upstream (being written).
print("lessllm-bench-upstream: not written yet")
