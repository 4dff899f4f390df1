/* The gateway's data files — the built-in price table (prices.yaml) and the dashboard's page (dashboard/) — live
 * in this target so that SwiftPM copies them next to the executable (lessllm_HostAssets.resources/) without
 * generating a Swift resource accessor: that accessor imports Foundation, which would load Foundation and ICU
 * (several MiB of resident memory) into a process that uses neither. The host reads the files by path. */
#ifndef LESSLLM_HOST_ASSETS_H
#define LESSLLM_HOST_ASSETS_H

/* The name of the folder, next to the executable, that holds the files. */
#define LESSLLM_HOST_ASSETS_FOLDER "lessllm_HostAssets.resources"

#endif
