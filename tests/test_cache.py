"""LruCache: bounded by total size, least recently used out first, lifetimes on an injected clock,
safe to share between threads."""

import threading

from helpers import FakeClock

from pastebox.cache import LruCache


def make_cache(max_size: int = 10, clock: FakeClock | None = None) -> LruCache[str]:
    return LruCache(max_size, len, clock=clock or FakeClock())


def test_a_stored_entry_is_a_hit_and_a_missing_one_a_miss():
    cache = make_cache()
    cache.put("a", "xyz")
    assert cache.get("a") == "xyz"
    assert cache.get("b") is None
    assert (cache.hits, cache.misses) == (1, 1)


def test_the_total_size_never_passes_the_bound():
    cache = make_cache(max_size=10)
    for n in range(20):
        cache.put(n, "abcd")
        assert cache.size <= 10
    assert len(cache) == 2 and cache.size == 8
    assert cache.get(18) == cache.get(19) == "abcd"


def test_the_least_recently_used_entry_leaves_first():
    cache = make_cache(max_size=9)
    for key in ("a", "b", "c"):
        cache.put(key, "xxx")
    cache.get("a")  # a is now more recent than b
    cache.put("d", "xxx")
    assert cache.get("b") is None
    assert [cache.get(k) for k in ("a", "c", "d")] == ["xxx"] * 3


def test_storing_makes_an_entry_the_most_recent():
    cache = make_cache(max_size=6)
    cache.put("a", "xxx")
    cache.put("b", "xxx")
    cache.put("a", "yyy")  # replaced: now the most recent
    cache.put("c", "zzz")
    assert cache.get("b") is None
    assert (cache.get("a"), cache.get("c")) == ("yyy", "zzz")


def test_several_small_entries_leave_for_one_large_one():
    cache = make_cache(max_size=10)
    for key in "abcde":
        cache.put(key, "xx")
    cache.put("big", "x" * 9)
    assert len(cache) == 1 and cache.size == 9
    assert cache.get("big") == "x" * 9


def test_an_entry_larger_than_the_whole_cache_is_not_stored_and_evicts_nothing():
    cache = make_cache(max_size=10)
    cache.put("small", "xx")
    cache.put("huge", "x" * 11)
    assert cache.get("huge") is None
    assert cache.get("small") == "xx"
    assert cache.size == 2


def test_an_entry_exactly_the_size_of_the_cache_is_stored():
    cache = make_cache(max_size=10)
    cache.put("full", "x" * 10)
    assert cache.get("full") == "x" * 10


def test_a_cache_of_size_zero_stores_nothing():
    cache = make_cache(max_size=0)
    cache.put("a", "x")
    assert cache.get("a") is None and len(cache) == 0


def test_replacing_a_key_keeps_one_entry_and_counts_only_the_new_size():
    cache = make_cache(max_size=10)
    cache.put("a", "x" * 8)
    cache.put("a", "yy")
    assert (len(cache), cache.size, cache.get("a")) == (1, 2, "yy")
    cache.put("b", "z" * 8)  # fits only because the old 8 characters were released
    assert cache.get("a") == "yy" and cache.get("b") == "z" * 8


def test_an_entry_with_a_lifetime_is_a_miss_once_it_has_passed():
    clock = FakeClock()
    cache = make_cache(clock=clock)
    cache.put("a", "xx", lifetime=10)
    clock.advance(9.9)
    assert cache.get("a") == "xx"
    clock.advance(0.1)
    assert cache.get("a") is None
    assert len(cache) == 0 and cache.size == 0  # the expired entry's room is released


def test_a_lifetime_counts_from_when_the_entry_was_stored_not_last_read():
    clock = FakeClock()
    cache = make_cache(clock=clock)
    cache.put("a", "xx", lifetime=10)
    for _ in range(3):
        clock.advance(4)
        cache.get("a")
    assert cache.get("a") is None


def test_an_entry_without_a_lifetime_does_not_expire():
    clock = FakeClock()
    cache = make_cache(clock=clock)
    cache.put("a", "xx")
    clock.advance(10 * 365 * 86400)
    assert cache.get("a") == "xx"


def test_replacing_an_entry_gives_it_the_new_lifetime():
    clock = FakeClock()
    cache = make_cache(clock=clock)
    cache.put("a", "xx", lifetime=5)
    cache.put("a", "yy")
    clock.advance(100)
    assert cache.get("a") == "yy"


def test_threads_sharing_a_cache_keep_it_consistent():
    cache = make_cache(max_size=200)
    keys = [f"k{n}" for n in range(64)]
    errors: list[BaseException] = []
    start = threading.Barrier(8)

    def work(seed: int) -> None:
        try:
            start.wait()
            for i in range(2000):
                key = keys[(seed * 7 + i) % len(keys)]
                if i % 3:
                    cache.put(key, key * (1 + (i + seed) % 4))
                else:
                    value = cache.get(key)
                    assert value is None or value.startswith(key)
        except BaseException as exc:  # noqa: BLE001 - reported by the main thread
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(seed,)) for seed in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert not errors and not any(t.is_alive() for t in threads)
    stored = [v for v in (cache.get(k) for k in keys) if v is not None]
    assert len(stored) == len(cache)
    assert sum(map(len, stored)) == cache.size <= cache.max_size
    assert cache.hits + cache.misses == 8 * 667 + len(keys)
