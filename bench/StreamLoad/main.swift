// The benchmark's streaming load client (being written).
print("lessllm-bench-streams: not written yet")
