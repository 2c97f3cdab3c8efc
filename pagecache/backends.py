"""Django's cache backends, less a cost on every page-cache hit.

Both: Django checks every character of every key for what memcached would refuse, to warn of it; Redis
and files take any key, and a hit reads the page's key and one per tag (nine for an article).

`RedisCache` (production): Django's `RedisCacheClient.get_client()` builds a new `redis.Redis` object for
each operation, and building one fills a table of about 170 response callbacks: some 0.4 ms of CPU, more
than a page-cache hit costs otherwise. A `redis.Redis` is safe to share (it takes a connection from its
pool for each command), so one per pool is kept.

`FileCache` (the embedded default): Django's file cache zlib-compresses every entry, and inflating a
stored page (~35 KB) was a fifth of a hit's CPU. Pages are kept uncompressed: the disk holds a few KB more
per page, the hit reads it as it is.
"""

import glob
import os
import pickle

from django.core.cache.backends import redis
from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.filebased import FileBasedCache
from django.core.files import locks


class _AnyKey:
    def validate_key(self, key):
        pass  # no memcached warnings (above)


class _SharedClient(redis.RedisCacheClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        index = self._get_connection_pool_index(write)
        client = self._clients.get(index)
        if client is None:
            client = self._clients[index] = self._client(connection_pool=self._get_connection_pool(write))
        return client


class RedisCache(_AnyKey, redis.RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = _SharedClient


class FileCache(_AnyKey, FileBasedCache):
    # Not Django's ".djcache": a directory written by Django's backend (compressed) is not read as ours.
    cache_suffix = ".pickle"

    def get(self, key, default=None, version=None):
        try:
            with open(self._key_to_file(key, version), "rb") as f:
                if not self._is_expired(f):
                    return pickle.load(f)
        except FileNotFoundError:
            pass
        return default

    def _write_content(self, file, timeout, value):
        file.write(pickle.dumps(self.get_backend_timeout(timeout), self.pickle_protocol))
        file.write(pickle.dumps(value, self.pickle_protocol))

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        # Django's, reading the value uncompressed (and not unlocking a file _is_expired closed).
        try:
            with open(self._key_to_file(key, version), "r+b") as f:
                locks.lock(f, locks.LOCK_EX)
                try:
                    if self._is_expired(f):
                        return False
                    value = pickle.load(f)
                    f.seek(0)
                    self._write_content(f, timeout, value)
                    f.truncate()
                    return True
                finally:
                    if not f.closed:
                        locks.unlock(f)
        except FileNotFoundError:
            return False

    def clear(self):
        super().clear()
        # What Django's own file cache kept here (compressed, read by no one now) goes too.
        for name in glob.glob(f"*{FileBasedCache.cache_suffix}", root_dir=self._dir):
            self._delete(os.path.join(self._dir, name))
