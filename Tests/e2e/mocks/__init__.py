"""Local stand-ins for everything outside the gateway: upstream APIs and upstream proxies."""
