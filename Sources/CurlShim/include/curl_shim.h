/* Typed wrappers over libcurl's variadic functions, which Swift cannot call. */
#ifndef LESSLLM_CURL_SHIM_H
#define LESSLLM_CURL_SHIM_H

#include <curl/curl.h>

typedef size_t (*lessllm_curl_data_cb)(char *data, size_t size, size_t count, void *user);

CURLcode lessllm_curl_setopt_long(CURL *easy, CURLoption option, long value);
CURLcode lessllm_curl_setopt_string(CURL *easy, CURLoption option, const char *value);
CURLcode lessllm_curl_setopt_pointer(CURL *easy, CURLoption option, void *value);
CURLcode lessllm_curl_setopt_offset(CURL *easy, CURLoption option, curl_off_t value);
CURLcode lessllm_curl_setopt_data_callback(CURL *easy, CURLoption option, lessllm_curl_data_cb callback);
CURLcode lessllm_curl_getinfo_long(CURL *easy, CURLINFO info, long *value);
CURLcode lessllm_curl_getinfo_pointer(CURL *easy, CURLINFO info, void **value);
CURLcode lessllm_curl_getinfo_offset(CURL *easy, CURLINFO info, curl_off_t *value);
CURLMcode lessllm_curl_multi_setopt_long(CURLM *multi, CURLMoption option, long value);

#endif
