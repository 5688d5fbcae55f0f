/* The hot loops of the text pass, compiled: split a text into word tokens, lower-case them,
 * and number them against a growing vocabulary (scan); the event keys' loop over the
 * capitalised runs that may name people and places (cap_runs finds them, run_parts analyses
 * a new one, name_runs counts names and organisations); the site-chrome key of every line
 * (line_keys). Each has a Python twin that gives the same results (tests/test_differential.py),
 * and each is here because switching it off costs about 1.15x of a clustering run or more
 * (README, "What each compiled kernel buys").
 *
 * scan(text, index, words[, cache]) -> (ids, lower)
 *   text   str: the text to scan
 *   index  dict: lower-cased token -> id (new tokens are added)
 *   words  list: id -> lower-cased token (new tokens are appended)
 *   cache  optional writable buffer of SLOT_SIZE-byte slots (a power of two of them), all zero at
 *          first and kept by the caller between calls with the same index and words: a table
 *          from the hash of a short ASCII token to its id, so that known tokens are found
 *          without building a str and probing the dict. Every hit is checked against words.
 *   ids    bytes: the token ids, int32 in machine order
 *   lower  bytes: the ids of the tokens the text writes in lower case somewhere, int32,
 *          each once, in increasing order
 *
 * A token is what the regular expression r"[^\W_]+(?:['.-][^\W_]+)*" finds (runs of letters
 * and digits, joined by single inner apostrophes, dots or hyphens), lower-cased with str.lower.
 * dedup/vocabulary.py holds the same function in Python (used where this module is not built),
 * and the tests check that both give the same answer.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <stdint.h>
#include <string.h>

#include "_buffers.h"

static PyObject *str_lower;   /* interned "lower" */
static PyObject *str_isalpha; /* interned "isalpha" */
static PyObject *str_isupper; /* interned "isupper" */
static PyObject *str_space;   /* " " */

static inline int
is_alnum(Py_UCS4 c)
{
    if (c < 128) {
        return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    }
    return Py_UNICODE_ISALNUM(c);
}

typedef struct {
    int32_t *ids;
    Py_ssize_t len, cap;
} Out;

static int
out_push(Out *out, int32_t id)
{
    if (out->len == out->cap) {
        Py_ssize_t cap = out->cap ? out->cap * 2 : 256;
        int32_t *ids = PyMem_Realloc(out->ids, cap * sizeof(int32_t));
        if (ids == NULL) {
            PyErr_NoMemory();
            return -1;
        }
        out->ids = ids;
        out->cap = cap;
    }
    out->ids[out->len++] = id;
    return 0;
}

/* The id of `key` (a new reference is not taken), adding it to the vocabulary if new. */
static long
lookup(PyObject *index, PyObject *words, PyObject *key)
{
    PyObject *found = PyDict_GetItemWithError(index, key); /* borrowed */
    if (found != NULL) {
        return PyLong_AsLong(found);
    }
    if (PyErr_Occurred()) {
        return -1;
    }
    Py_ssize_t next = PyList_GET_SIZE(words);
    if (next >= INT32_MAX) {
        PyErr_SetString(PyExc_OverflowError, "vocabulary larger than 2**31 - 1 tokens");
        return -1;
    }
    PyObject *value = PyLong_FromSsize_t(next);
    if (value == NULL) {
        return -1;
    }
    int failed = PyDict_SetItem(index, key, value) < 0 || PyList_Append(words, key) < 0;
    Py_DECREF(value);
    return failed ? -1 : (long)next;
}

#define INLINE_LEN 16 /* tokens this long or shorter are kept in the slot itself */

typedef struct {
    uint64_t hash; /* 0: empty */
    int32_t id;
    int32_t len;
    Py_UCS1 text[INLINE_LEN]; /* the token, when len <= INLINE_LEN: no need to read words */
} Slot;

#define CACHED_LEN 48 /* longer tokens skip the cache */
#define PROBES 8

/* Sort n non-negative ids (all < 2**(8 * digits)) in place: least significant byte first,
 * through tmp (n values); short runs by insertion. */
static void
sort_ids(int32_t *v, int32_t *tmp, Py_ssize_t n, int digits)
{
    if (n <= 32) {
        for (Py_ssize_t i = 1; i < n; i++) {
            int32_t x = v[i];
            Py_ssize_t j = i;
            while (j > 0 && v[j - 1] > x) {
                v[j] = v[j - 1];
                j--;
            }
            v[j] = x;
        }
        return;
    }
    int32_t *from = v, *to = tmp;
    for (int d = 0; d < digits; d++) {
        const int shift = 8 * d;
        Py_ssize_t at[257] = {0};
        for (Py_ssize_t i = 0; i < n; i++) {
            at[((from[i] >> shift) & 255) + 1]++;
        }
        for (int k = 0; k < 256; k++) {
            at[k + 1] += at[k];
        }
        for (Py_ssize_t i = 0; i < n; i++) {
            to[at[(from[i] >> shift) & 255]++] = from[i];
        }
        int32_t *t = from;
        from = to;
        to = t;
    }
    if (from != v) {
        memcpy(v, from, (size_t)n * sizeof(int32_t));
    }
}


/* The distinct ids of `low` (sorted) as int32 bytes. */
static PyObject *
distinct_ids(Out *low)
{
    int32_t widest = 0;
    for (Py_ssize_t k = 0; k < low->len; k++) {
        widest = low->ids[k] > widest ? low->ids[k] : widest;
    }
    int digits = 1;
    while (digits < 4 && (widest >> (8 * digits)) != 0) {
        digits++;
    }
    int32_t *tmp = PyMem_Malloc((low->len + 1) * sizeof(int32_t));
    if (tmp == NULL) {
        return PyErr_NoMemory();
    }
    sort_ids(low->ids, tmp, low->len, digits);
    PyMem_Free(tmp);
    Py_ssize_t kept = 0;
    for (Py_ssize_t k = 0; k < low->len; k++) {
        if (kept == 0 || low->ids[k] != low->ids[kept - 1]) {
            low->ids[kept++] = low->ids[k];
        }
    }
    return PyBytes_FromStringAndSize((const char *)low->ids, kept * (Py_ssize_t)sizeof(int32_t));
}

static PyObject *
scan(PyObject *module, PyObject *const *args, Py_ssize_t nargs)
{
    if (nargs != 3 && nargs != 4) {
        PyErr_SetString(PyExc_TypeError, "scan() takes 3 or 4 arguments (text, index, words[, cache])");
        return NULL;
    }
    Py_buffer view = {0};
    Slot *slots = NULL;
    size_t mask = 0;
    if (nargs == 4 && args[3] != Py_None) {
        if (PyObject_GetBuffer(args[3], &view, PyBUF_WRITABLE) < 0) {
            return NULL;
        }
        size_t count = (size_t)view.len / sizeof(Slot);
        if (count == 0 || (count & (count - 1)) != 0) {
            PyBuffer_Release(&view);
            PyErr_SetString(PyExc_ValueError, "scan() cache must hold a power of two of SLOT_SIZE-byte slots");
            return NULL;
        }
        slots = (Slot *)view.buf;
        mask = count - 1;
    }
    PyObject *result = NULL;
    PyObject *text = args[0], *index = args[1], *words = args[2];
    if (!PyUnicode_Check(text) || !PyDict_Check(index) || !PyList_Check(words)) {
        PyErr_SetString(PyExc_TypeError, "scan() takes (str, dict, list[, buffer])");
        goto done;
    }
    if (PyUnicode_READY(text) < 0) {
        goto done;
    }
    const int kind = PyUnicode_KIND(text);
    const void *data = PyUnicode_DATA(text);
    const Py_ssize_t n = PyUnicode_GET_LENGTH(text);
    Out out = {NULL, 0, 0}, low = {NULL, 0, 0};
    Py_ssize_t i = 0;

    while (i < n) {
        Py_UCS4 c = PyUnicode_READ(kind, data, i);
        if (!is_alnum(c)) {
            i++;
            continue;
        }
        const Py_ssize_t start = i;
        int ascii = 1, upper = 0;
        for (;;) {
            while (i < n && is_alnum(c = PyUnicode_READ(kind, data, i))) {
                if (c >= 128) {
                    ascii = 0;
                }
                else if (c >= 'A' && c <= 'Z') {
                    upper = 1;
                }
                i++;
            }
            if (i + 1 < n) {
                c = PyUnicode_READ(kind, data, i);
                if ((c == '\'' || c == '.' || c == '-') && is_alnum(PyUnicode_READ(kind, data, i + 1))) {
                    i++;
                    continue;
                }
            }
            break;
        }
        PyObject *key;
        int lower;
        const Py_ssize_t len = i - start;
        if (ascii && slots != NULL && len <= CACHED_LEN) {
            /* Lower-case into a buffer and hash (FNV-1a); look the token up in the cache. */
            Py_UCS1 buf[CACHED_LEN];
            uint64_t h = 1469598103934665603ULL;
            for (Py_ssize_t k = 0; k < len; k++) {
                Py_UCS4 ch = PyUnicode_READ(kind, data, start + k);
                buf[k] = (Py_UCS1)((ch >= 'A' && ch <= 'Z') ? ch + 32 : ch);
                h = (h ^ buf[k]) * 1099511628211ULL;
            }
            h |= 1;
            size_t home = (size_t)(h ^ (h >> 31)) & mask;
            Slot *empty = NULL;
            long id = -1;
            for (int probe = 0; probe < PROBES; probe++) {
                Slot *slot = &slots[(home + probe) & mask];
                if (slot->hash == 0) {
                    empty = slot;
                    break;
                }
                if (slot->hash == h && slot->len == len && slot->id < PyList_GET_SIZE(words)) {
                    if (len <= INLINE_LEN) {
                        if (memcmp(slot->text, buf, (size_t)len) == 0) {
                            id = slot->id;
                            break;
                        }
                        continue;
                    }
                    PyObject *word = PyList_GET_ITEM(words, slot->id);
                    if (PyUnicode_Check(word) && PyUnicode_IS_ASCII(word)
                        && PyUnicode_GET_LENGTH(word) == len
                        && memcmp(PyUnicode_1BYTE_DATA(word), buf, (size_t)len) == 0) {
                        id = slot->id;
                        break;
                    }
                }
            }
            if (id >= 0) {
                if (out_push(&out, (int32_t)id) < 0 || (!upper && out_push(&low, (int32_t)id) < 0)) {
                    goto fail;
                }
                continue;
            }
            key = PyUnicode_New(len, 127);
            if (key == NULL) {
                goto fail;
            }
            memcpy(PyUnicode_1BYTE_DATA(key), buf, (size_t)len);
            id = lookup(index, words, key);
            if (id < 0 || out_push(&out, (int32_t)id) < 0 || (!upper && out_push(&low, (int32_t)id) < 0)) {
                Py_DECREF(key);
                goto fail;
            }
            Py_DECREF(key);
            if (empty != NULL) {
                empty->hash = h;
                empty->id = (int32_t)id;
                empty->len = (int32_t)len;
                if (len <= INLINE_LEN) {
                    memcpy(empty->text, buf, (size_t)len);
                }
            }
            continue;
        }
        if (ascii) {
            key = PyUnicode_New(i - start, 127);
            if (key == NULL) {
                goto fail;
            }
            Py_UCS1 *dst = PyUnicode_1BYTE_DATA(key);
            for (Py_ssize_t k = start; k < i; k++) {
                Py_UCS4 ch = PyUnicode_READ(kind, data, k);
                dst[k - start] = (Py_UCS1)((ch >= 'A' && ch <= 'Z') ? ch + 32 : ch);
            }
            lower = !upper;
        }
        else {
            PyObject *raw = PyUnicode_Substring(text, start, i);
            if (raw == NULL) {
                goto fail;
            }
            key = PyObject_CallMethodNoArgs(raw, str_lower);
            if (key == NULL) {
                Py_DECREF(raw);
                goto fail;
            }
            lower = PyUnicode_Compare(raw, key) == 0;
            Py_DECREF(raw);
        }
        long id = lookup(index, words, key);
        if (id < 0 || out_push(&out, (int32_t)id) < 0 || (lower && out_push(&low, (int32_t)id) < 0)) {
            Py_DECREF(key);
            goto fail;
        }
        Py_DECREF(key);
    }
    PyObject *ids = PyBytes_FromStringAndSize((const char *)out.ids, out.len * sizeof(int32_t));
    PyObject *lowered = ids == NULL ? NULL : distinct_ids(&low);
    if (lowered != NULL) {
        result = PyTuple_Pack(2, ids, lowered);
    }
    Py_XDECREF(ids);
    Py_XDECREF(lowered);

fail:
    PyMem_Free(out.ids);
    PyMem_Free(low.ids);
done:
    if (slots != NULL) {
        PyBuffer_Release(&view);
    }
    return result;
}

/* ---------------------------------------------------------------------------------------
 * cap_runs(text, openers) -> bytes: (start, end) int32 pairs of the capitalised runs that
 * dedup.events.CAP_RUN finds (its finditer), for the same input. `openers` is a set of
 * capitalised words that never start a run ("The", "In"): a capital whose word (its run of
 * \w characters) is one of them starts nothing. */

static inline int
is_word(Py_UCS4 c)
{
    return c == '_' || is_alnum(c);
}

static inline int
is_upper_ascii(Py_UCS4 c)
{
    return c >= 'A' && c <= 'Z';
}

static inline int
is_lower_ascii(Py_UCS4 c)
{
    return c >= 'a' && c <= 'z';
}

/* End of a name token starting at capital p: "[A-Z][a-z]{0,2}\." else "[A-Z][\w'-]*". */
static Py_ssize_t
name_end(int kind, const void *data, Py_ssize_t n, Py_ssize_t p)
{
    Py_ssize_t j = p + 1;
    while (j < n && j - (p + 1) < 3 && is_lower_ascii(PyUnicode_READ(kind, data, j))) {
        j++;
    }
    if (j - (p + 1) <= 2 && j < n && PyUnicode_READ(kind, data, j) == '.') {
        return j + 1;
    }
    j = p + 1;
    while (j < n) {
        Py_UCS4 c = PyUnicode_READ(kind, data, j);
        if (!(is_word(c) || c == '\'' || c == '-')) {
            break;
        }
        j++;
    }
    return j;
}

static const char *PARTICLES[] = {"de", "van", "von", "der", "bin", "al", "da", "di", "la", "le", "du", NULL};

/* Position after "[ \t]+" at q, or -1. */
static Py_ssize_t
blanks(int kind, const void *data, Py_ssize_t n, Py_ssize_t q)
{
    Py_ssize_t j = q;
    while (j < n) {
        Py_UCS4 c = PyUnicode_READ(kind, data, j);
        if (c != ' ' && c != '\t') {
            break;
        }
        j++;
    }
    return j > q ? j : -1;
}

static int
starts_with(int kind, const void *data, Py_ssize_t n, Py_ssize_t q, const char *word)
{
    for (Py_ssize_t k = 0; word[k]; k++) {
        if (q + k >= n || PyUnicode_READ(kind, data, q + k) != (Py_UCS4)(unsigned char)word[k]) {
            return 0;
        }
    }
    return 1;
}

static PyObject *
cap_runs(PyObject *module, PyObject *const *args, Py_ssize_t nargs)
{
    if (nargs != 2 || !PyUnicode_Check(args[0]) || !PyAnySet_Check(args[1])) {
        PyErr_SetString(PyExc_TypeError, "cap_runs() takes (str, set)");
        return NULL;
    }
    PyObject *text = args[0], *openers = args[1];
    if (PyUnicode_READY(text) < 0) {
        return NULL;
    }
    const int kind = PyUnicode_KIND(text);
    const void *data = PyUnicode_DATA(text);
    const Py_ssize_t n = PyUnicode_GET_LENGTH(text);
    Out out = {NULL, 0, 0};
    Py_ssize_t p = 0;
    while (p < n) {
        if (!is_upper_ascii(PyUnicode_READ(kind, data, p))) {
            p++;
            continue;
        }
        Py_ssize_t w = p + 1;
        while (w < n && is_word(PyUnicode_READ(kind, data, w))) {
            w++;
        }
        PyObject *word = PyUnicode_Substring(text, p, w);
        if (word == NULL) {
            goto fail;
        }
        int opener = PySet_Contains(openers, word);
        Py_DECREF(word);
        if (opener < 0) {
            goto fail;
        }
        if (opener) {
            p++;
            continue;
        }
        Py_ssize_t end = name_end(kind, data, n, p);
        for (;;) {
            Py_ssize_t q = blanks(kind, data, n, end);
            if (q < 0) {
                break;
            }
            Py_ssize_t next = -1;
            for (int k = 0; PARTICLES[k]; k++) {
                if (starts_with(kind, data, n, q, PARTICLES[k])) {
                    Py_ssize_t r = blanks(kind, data, n, q + (Py_ssize_t)strlen(PARTICLES[k]));
                    if (r >= 0 && r < n && is_upper_ascii(PyUnicode_READ(kind, data, r))) {
                        next = name_end(kind, data, n, r);
                        break;
                    }
                }
            }
            if (next < 0 && q < n && is_upper_ascii(PyUnicode_READ(kind, data, q))) {
                next = name_end(kind, data, n, q);
            }
            if (next < 0) {
                break;
            }
            end = next;
        }
        if (p > INT32_MAX || end > INT32_MAX) {
            PyErr_SetString(PyExc_OverflowError, "cap_runs() text longer than 2**31 - 1");
            goto fail;
        }
        if (out_push(&out, (int32_t)p) < 0 || out_push(&out, (int32_t)end) < 0) {
            goto fail;
        }
        p = end;
    }
    PyObject *result = PyBytes_FromStringAndSize((const char *)out.ids, out.len * sizeof(int32_t));
    PyMem_Free(out.ids);
    return result;

fail:
    PyMem_Free(out.ids);
    return NULL;
}

/* ---------------------------------------------------------------------------------------
 * line_keys(text, fallback) -> list[str]: dedup.boilerplate.line_key of every line of
 * text.split("\n"), in order ("" for an empty line). An ASCII line's key is its runs of
 * letters and digits, lower-cased, joined by one space; any other line is fallback(line). */

static PyObject *
line_keys(PyObject *module, PyObject *const *args, Py_ssize_t nargs)
{
    if (nargs != 2 || !PyUnicode_Check(args[0])) {
        PyErr_SetString(PyExc_TypeError, "line_keys() takes (str, fallback)");
        return NULL;
    }
    PyObject *text = args[0], *fallback = args[1];
    if (PyUnicode_READY(text) < 0) {
        return NULL;
    }
    const int kind = PyUnicode_KIND(text);
    const void *data = PyUnicode_DATA(text);
    const Py_ssize_t n = PyUnicode_GET_LENGTH(text);
    PyObject *keys = PyList_New(0);
    Py_UCS1 *buf = PyMem_Malloc((size_t)n + 1);
    if (keys == NULL || buf == NULL) {
        Py_XDECREF(keys);
        PyMem_Free(buf);
        return PyErr_NoMemory();
    }
    for (Py_ssize_t at = 0; at <= n;) {
        Py_ssize_t stop = at, len = 0;
        int ascii = 1, gap = 0;
        while (stop < n) {
            Py_UCS4 c = PyUnicode_READ(kind, data, stop);
            if (c == '\n') {
                break;
            }
            if (c >= 128) {
                ascii = 0;
            }
            else if (is_alnum(c)) {
                if (gap && len > 0) {
                    buf[len++] = ' ';
                }
                buf[len++] = (Py_UCS1)((c >= 'A' && c <= 'Z') ? c + 32 : c);
                gap = 0;
            }
            else {
                gap = 1;
            }
            stop++;
        }
        PyObject *key;
        if (ascii) {
            key = PyUnicode_New(len, 127);
            if (key != NULL) {
                memcpy(PyUnicode_1BYTE_DATA(key), buf, (size_t)len);
            }
        }
        else {
            PyObject *line = PyUnicode_Substring(text, at, stop);
            key = line == NULL ? NULL : PyObject_CallOneArg(fallback, line);
            Py_XDECREF(line);
        }
        if (key == NULL || PyList_Append(keys, key) < 0) {
            Py_XDECREF(key);
            Py_DECREF(keys);
            PyMem_Free(buf);
            return NULL;
        }
        Py_DECREF(key);
        at = stop + 1;
    }
    PyMem_Free(buf);
    return keys;
}

/* ---------------------------------------------------------------------------------------
 * name_runs(text, spans, dl_start, dl_end, runs, make_run, parents, lower, people, names,
 *           singles, visit, orgs): the loop of dedup.events.extract_event_key over capitalised runs.
 * Runs starting inside the dateline [dl_start, dl_end) come first, the others after, each in
 * text order. A run's parts come from the dict `runs` (else new_run below). A run that is no
 * gazetteer place, is not named in `parents` and cannot have a region note after it (a "(" or
 * ", " then a capital letter, as dedup.events._REGION_AFTER needs) is counted here: a plain
 * run in people/names/singles, an organisation of two words or more in orgs/names. Every other
 * run goes to visit(start, end, run). */

enum {
    R_TOKENS = 0, R_FOLDED = 1, R_OFFSET = 2, R_PHRASE = 4, R_KEY = 5, R_IN_GAZETTEER = 6,
    R_ORG_WORD = 7, R_SURNAME = 8, R_PLAIN = 9, R_PERSON = 10, R_FIELDS = 11
};

/* counter[key] += 1 for a dict used as a Counter. */
static int
count_one(PyObject *counter, PyObject *key)
{
    PyObject *seen = PyDict_GetItemWithError(counter, key);
    if (seen == NULL && PyErr_Occurred()) {
        return -1;
    }
    PyObject *one = PyLong_FromLong(1);
    if (one == NULL) {
        return -1;
    }
    PyObject *total = seen == NULL ? Py_NewRef(one) : PyNumber_Add(seen, one);
    Py_DECREF(one);
    if (total == NULL) {
        return -1;
    }
    int status = PyDict_SetItem(counter, key, total);
    Py_DECREF(total);
    return status;
}

static int
contains(PyObject *container, PyObject *key)
{
    if (PyDict_CheckExact(container)) {
        return PyDict_Contains(container, key);
    }
    if (PyAnySet_CheckExact(container)) {
        return PySet_Contains(container, key);
    }
    return PySequence_Contains(container, key);
}

static PyObject *run_parts(PyObject *module, PyObject *const *args, Py_ssize_t nargs);

/* A run holds only strings, numbers, booleans and tuples of strings: it can be in no reference
 * cycle. Untrack it (and its tuples) from the cyclic garbage collector now, as the collector
 * itself would on its first look: the cache holds a hundred thousand runs, which each full
 * collection would otherwise visit. */
static void
untrack_atomic(PyObject *run)
{
    for (Py_ssize_t k = 0; k < PyTuple_GET_SIZE(run); k++) {
        PyObject *item = PyTuple_GET_ITEM(run, k);
        if (PyTuple_CheckExact(item)) {
            for (Py_ssize_t j = 0; j < PyTuple_GET_SIZE(item); j++) {
                if (!PyUnicode_CheckExact(PyTuple_GET_ITEM(item, j))) {
                    return;
                }
            }
            if (PyObject_GC_IsTracked(item)) {
                PyObject_GC_UnTrack(item);
            }
        }
        else if (!PyUnicode_CheckExact(item) && !PyLong_CheckExact(item) && !PyBool_Check(item)) {
            return;
        }
    }
    if (PyObject_GC_IsTracked(run)) {
        PyObject_GC_UnTrack(run);
    }
}

/* Whether a text writes `word` in lower case. `lower` is a set of words, or the pair (index,
 * ids): a vocabulary's word -> id dict and the sorted int32 ids of the words written so. */
static int
lower_contains(PyObject *lower, PyObject *word)
{
    if (!PyTuple_CheckExact(lower)) {
        return contains(lower, word);
    }
    if (PyTuple_GET_SIZE(lower) != 2 || !PyDict_Check(PyTuple_GET_ITEM(lower, 0))) {
        PyErr_SetString(PyExc_TypeError, "name_runs(): lower must be a set or (index, ids)");
        return -1;
    }
    PyObject *found = PyDict_GetItemWithError(PyTuple_GET_ITEM(lower, 0), word);
    if (found == NULL) {
        return PyErr_Occurred() ? -1 : 0;
    }
    long id = PyLong_AsLong(found);
    if (id == -1 && PyErr_Occurred()) {
        return -1;
    }
    Py_buffer view;
    if (get_buffer(PyTuple_GET_ITEM(lower, 1), &view, "i", 4, 0, "lower ids") < 0) {
        return -1;
    }
    const int32_t *ids = view.buf;
    Py_ssize_t lo = 0, hi = view.len / 4;
    while (lo < hi) {
        Py_ssize_t mid = lo + (hi - lo) / 2;
        if (ids[mid] < id) {
            lo = mid + 1;
        }
        else {
            hi = mid;
        }
    }
    int inside = lo < view.len / 4 && ids[lo] == id;
    PyBuffer_Release(&view);
    return inside;
}

/* A run not in `runs` yet: make_run(seq), or, where make_run is the tuple (run_type, limit,
 * fold, titles, not_names, not_titles, org_words, gazetteer, folded), what
 * dedup.events._run does with those: run_parts of the seq as a run_type (a tuple subclass),
 * or None, stored in `runs` (emptied first when it holds `limit` runs). */
static PyObject *
new_run(PyObject *runs, PyObject *make_run, PyObject *seq)
{
    if (!PyTuple_Check(make_run)) {
        return PyObject_CallOneArg(make_run, seq);
    }
    if (PyTuple_GET_SIZE(make_run) != 9 || !PyType_Check(PyTuple_GET_ITEM(make_run, 0))
        || !PyType_IsSubtype((PyTypeObject *)PyTuple_GET_ITEM(make_run, 0), &PyTuple_Type)) {
        PyErr_SetString(PyExc_TypeError, "name_runs(): make_run must be a callable or (run_type, limit, fold, titles, not_names, not_titles, org_words, gazetteer, folded)");
        return NULL;
    }
    Py_ssize_t limit = PyLong_AsSsize_t(PyTuple_GET_ITEM(make_run, 1));
    if (limit == -1 && PyErr_Occurred()) {
        return NULL;
    }
    PyObject *call[8] = {seq};
    for (int k = 1; k < 8; k++) {
        call[k] = PyTuple_GET_ITEM(make_run, k + 1);
    }
    PyObject *parts = run_parts(NULL, call, 8);
    if (parts == NULL) {
        return NULL;
    }
    PyObject *run = parts;
    if (parts != Py_None) {
        PyObject *wrapped = PyTuple_Pack(1, parts);
        Py_DECREF(parts);
        if (wrapped == NULL) {
            return NULL;
        }
        PyTypeObject *type = (PyTypeObject *)PyTuple_GET_ITEM(make_run, 0);
        run = PyTuple_Type.tp_new(type, wrapped, NULL);
        Py_DECREF(wrapped);
        if (run == NULL) {
            return NULL;
        }
        untrack_atomic(run);
    }
    if (PyDict_GET_SIZE(runs) >= limit) {
        PyDict_Clear(runs);
    }
    if (PyDict_SetItem(runs, seq, run) < 0) {
        Py_DECREF(run);
        return NULL;
    }
    return run;
}

static int
name_run(PyObject *text, int kind, const void *data, Py_ssize_t n, Py_ssize_t start,
         Py_ssize_t end, PyObject *const *args)
{
    PyObject *runs = args[4], *make_run = args[5], *parents = args[6], *lower = args[7];
    PyObject *people = args[8], *names = args[9], *singles = args[10], *visit = args[11];
    PyObject *orgs = args[12];
    PyObject *seq = PyUnicode_Substring(text, start, end);
    if (seq == NULL) {
        return -1;
    }
    PyObject *run = PyDict_GetItemWithError(runs, seq);
    if (run != NULL) {
        Py_INCREF(run);
    }
    else if (!PyErr_Occurred()) {
        run = new_run(runs, make_run, seq);
    }
    Py_DECREF(seq);
    if (run == NULL) {
        return -1;
    }
    int status = 0;
    if (run == Py_None) {
        goto done;
    }
    if (!PyTuple_Check(run) || PyTuple_GET_SIZE(run) < R_FIELDS) {
        PyErr_SetString(PyExc_TypeError, "name_runs(): a run must be a tuple of its 11 parts");
        status = -1;
        goto done;
    }
    PyObject *key = PyTuple_GET_ITEM(run, R_KEY);
    const int plain = PyTuple_GET_ITEM(run, R_PLAIN) == Py_True;
    const int org = PyTuple_GET_ITEM(run, R_ORG_WORD) == Py_True
                    && PyTuple_GET_ITEM(run, R_IN_GAZETTEER) != Py_True;
    if (plain || org) {
        /* Most articles teach no place: an empty dict needs no look at the key. */
        int known = PyDict_CheckExact(parents) && PyDict_GET_SIZE(parents) == 0 ? 0 : contains(parents, key);
        if (known < 0) {
            status = -1;
            goto done;
        }
        /* A region note: "(" then a capital, or "," then blanks and a capital. */
        int region = 0;
        for (Py_ssize_t j = end; j < end + 3 && j < n; j++) {
            Py_UCS4 c = PyUnicode_READ(kind, data, j);
            if (Py_UNICODE_ISSPACE(c)) {
                continue;
            }
            Py_ssize_t k = j + 1;
            if (c == ',') {
                while (k < n && (PyUnicode_READ(kind, data, k) == ' ' || PyUnicode_READ(kind, data, k) == '\t')) {
                    k++;
                }
                region = k > j + 1;
            }
            else {
                region = c == '(';
            }
            if (region) {
                Py_UCS4 next = k < n ? PyUnicode_READ(kind, data, k) : 0;
                region = next >= 'A' && next <= 'Z';
            }
            break;
        }
        if (!known && !region) {
            PyObject *tokens = PyTuple_GET_ITEM(run, R_TOKENS), *folded = PyTuple_GET_ITEM(run, R_FOLDED);
            Py_ssize_t count = PyTuple_Check(folded) ? PyTuple_GET_SIZE(folded) : 0;
            if (count == 0 || !PyTuple_Check(tokens) || PyTuple_GET_SIZE(tokens) != count) {
                PyErr_SetString(PyExc_TypeError, "name_runs(): a run's tokens and folded forms must be tuples of one length");
                status = -1;
                goto done;
            }
            if (!plain) {
                /* An organisation: two words or more. */
                if (count >= 2 && (count_one(orgs, key) < 0
                                   || PyDict_SetDefault(names, key, PyTuple_GET_ITEM(run, R_PHRASE)) == NULL)) {
                    status = -1;
                }
                goto done;
            }
            if (PyTuple_GET_ITEM(run, R_PERSON) == Py_True) {
                PyObject *surname = PyTuple_GET_ITEM(folded, count - 1);
                if (PyTuple_GET_ITEM(run, R_SURNAME) == Py_True) {
                    int lowered = lower_contains(lower, surname);
                    if (lowered < 0) {
                        status = -1;
                        goto done;
                    }
                    if (!lowered && (count_one(people, surname) < 0
                                     || PyDict_SetDefault(names, surname, PyTuple_GET_ITEM(tokens, count - 1)) == NULL)) {
                        status = -1;
                    }
                }
            }
            else {
                PyObject *first = PyTuple_GET_ITEM(tokens, 0);
                if (PyUnicode_Check(first) && PyUnicode_GET_LENGTH(first) >= 3
                    && PyList_Append(singles, PyTuple_GET_ITEM(folded, 0)) < 0) {
                    status = -1;
                }
            }
            goto done;
        }
    }
    {
        Py_ssize_t offset = PyLong_AsSsize_t(PyTuple_GET_ITEM(run, R_OFFSET));
        if (offset == -1 && PyErr_Occurred()) {
            status = -1;
            goto done;
        }
        PyObject *r = PyObject_CallFunction(visit, "nnO", start + offset, end, run);
        if (r == NULL) {
            status = -1;
        }
        Py_XDECREF(r);
    }
done:
    Py_DECREF(run);
    return status;
}

static PyObject *
name_runs(PyObject *module, PyObject *const *args, Py_ssize_t nargs)
{
    if (nargs != 13 || !PyUnicode_Check(args[0]) || !PyDict_Check(args[4]) || !PyDict_Check(args[8])
        || !PyDict_Check(args[9]) || !PyList_Check(args[10]) || !PyDict_Check(args[12])) {
        PyErr_SetString(PyExc_TypeError,
                        "name_runs() takes (str, spans, int, int, dict, callable, parents, lower, dict, dict, list, callable, dict)");
        return NULL;
    }
    PyObject *text = args[0];
    if (PyUnicode_READY(text) < 0) {
        return NULL;
    }
    Py_ssize_t dl_start = PyLong_AsSsize_t(args[2]), dl_end = PyLong_AsSsize_t(args[3]);
    if ((dl_start == -1 || dl_end == -1) && PyErr_Occurred()) {
        return NULL;
    }
    Py_buffer spans = {0};
    if (get_buffer(args[1], &spans, "i", 4, 0, "spans") < 0) {
        return NULL;
    }
    const int kind = PyUnicode_KIND(text);
    const void *data = PyUnicode_DATA(text);
    const Py_ssize_t n = PyUnicode_GET_LENGTH(text), pairs = spans.len / 8;
    const int32_t *se = spans.buf;
    PyObject *result = NULL;
    for (int pass = 0; pass < 2; pass++) {
        for (Py_ssize_t k = 0; k < pairs; k++) {
            Py_ssize_t start = se[2 * k], end = se[2 * k + 1];
            if (start < 0 || end < start || end > n) {
                PyErr_SetString(PyExc_ValueError, "name_runs(): a span lies outside the text");
                goto done;
            }
            int in_dateline = dl_start <= start && start < dl_end;
            if (in_dateline != (pass == 0)) {
                continue;
            }
            if (name_run(text, kind, data, n, start, end, args) < 0) {
                goto done;
            }
        }
    }
    Py_INCREF(Py_None);
    result = Py_None;
done:
    PyBuffer_Release(&spans);
    return result;
}

/* ---------------------------------------------------------------------------------------
 * run_parts(seq, fold, titles, not_names, not_titles, org_words, gazetteer, folded)
 *     -> tuple | None (folded: fold's cache, read before calling fold):
 * what dedup.events._run computes for a capitalised run, in the order of the _Run fields:
 * (tokens, folded, offset, titled, phrase, key, in_gazetteer, org_word, surname, plain,
 * person). Words split on whitespace lose trailing dots and a final "'s"; sentence openers
 * and titles are dropped at the head (a title marks the run "titled"), openers and titles at
 * the tail; None when nothing is left. */

static int
call_bool(PyObject *obj, PyObject *method)
{
    PyObject *r = PyObject_CallMethodNoArgs(obj, method);
    if (r == NULL) {
        return -1;
    }
    int truth = PyObject_IsTrue(r);
    Py_DECREF(r);
    return truth;
}

static PyObject *
run_parts(PyObject *module, PyObject *const *args, Py_ssize_t nargs)
{
    if (nargs != 8 || !PyUnicode_Check(args[0]) || !PyDict_Check(args[7])) {
        PyErr_SetString(PyExc_TypeError, "run_parts() takes (str, fold, titles, not_names, not_titles, org_words, gazetteer, folded)");
        return NULL;
    }
    PyObject *seq = args[0], *fold = args[1], *titles = args[2], *not_names = args[3];
    PyObject *not_titles = args[4], *org_words = args[5], *gazetteer = args[6];
    PyObject *fold_cache = args[7]; /* fold's own cache: read it before calling fold */
    if (PyUnicode_READY(seq) < 0) {
        return NULL;
    }
    const int kind = PyUnicode_KIND(seq);
    const void *data = PyUnicode_DATA(seq);
    const Py_ssize_t n = PyUnicode_GET_LENGTH(seq);
    PyObject *tokens = PyList_New(0), *folded = PyList_New(0), *result = NULL;
    PyObject *key = NULL, *phrase = NULL, *kept_tokens = NULL, *kept_folded = NULL;
    if (tokens == NULL || folded == NULL) {
        goto done;
    }
    for (Py_ssize_t i = 0; i < n;) {
        if (Py_UNICODE_ISSPACE(PyUnicode_READ(kind, data, i))) {
            i++;
            continue;
        }
        Py_ssize_t a = i;
        while (i < n && !Py_UNICODE_ISSPACE(PyUnicode_READ(kind, data, i))) {
            i++;
        }
        Py_ssize_t b = i;
        while (b > a && PyUnicode_READ(kind, data, b - 1) == '.') {
            b--;
        }
        if (b - a >= 2 && PyUnicode_READ(kind, data, b - 2) == '\'' && PyUnicode_READ(kind, data, b - 1) == 's') {
            b -= 2;
        }
        PyObject *token = PyUnicode_Substring(seq, a, b);
        if (token == NULL) {
            goto done;
        }
        PyObject *f = PyDict_GetItemWithError(fold_cache, token);
        if (f != NULL) {
            Py_INCREF(f);
        }
        else if (!PyErr_Occurred()) {
            f = PyObject_CallOneArg(fold, token);
        }
        int failed = f == NULL || PyList_Append(tokens, token) < 0 || PyList_Append(folded, f) < 0;
        Py_DECREF(token);
        Py_XDECREF(f);
        if (failed) {
            goto done;
        }
    }
    /* Head: openers and titles go; a real title before the name marks it. */
    Py_ssize_t first = 0, last = PyList_GET_SIZE(tokens), offset = 0;
    int titled = 0;
    while (first < last) {
        PyObject *head = PyList_GET_ITEM(folded, first);
        int is_title = contains(titles, head);
        if (is_title < 0) {
            goto done;
        }
        if (is_title) {
            int opener = contains(not_titles, head);
            if (opener < 0) {
                goto done;
            }
            titled = titled || !opener;
        }
        else {
            int not_name = contains(not_names, head);
            if (not_name < 0) {
                goto done;
            }
            if (!not_name) {
                break;
            }
        }
        if (last - first > 1) {
            Py_ssize_t from = offset + PyUnicode_GET_LENGTH(PyList_GET_ITEM(tokens, first));
            offset = PyUnicode_Find(seq, PyList_GET_ITEM(tokens, first + 1), from, n, 1);
            if (offset == -2) {
                goto done;
            }
        }
        first++;
    }
    /* Tail: openers and titles go too. */
    while (first < last) {
        PyObject *tail = PyList_GET_ITEM(folded, last - 1);
        int drop = contains(not_names, tail);
        if (drop == 0) {
            drop = contains(titles, tail);
        }
        if (drop < 0) {
            goto done;
        }
        if (!drop) {
            break;
        }
        last--;
    }
    if (first >= last) {
        Py_INCREF(Py_None);
        result = Py_None;
        goto done;
    }
    kept_tokens = PyList_GetSlice(tokens, first, last);
    kept_folded = PyList_GetSlice(folded, first, last);
    if (kept_tokens == NULL || kept_folded == NULL) {
        goto done;
    }
    key = PyUnicode_Join(str_space, kept_folded);
    phrase = PyUnicode_Join(str_space, kept_tokens);
    if (key == NULL || phrase == NULL) {
        goto done;
    }
    int in_gazetteer = contains(gazetteer, key);
    if (in_gazetteer < 0) {
        goto done;
    }
    int org_word = 0;
    for (Py_ssize_t k = 0; k < PyList_GET_SIZE(kept_folded) && !org_word; k++) {
        org_word = contains(org_words, PyList_GET_ITEM(kept_folded, k));
        if (org_word < 0) {
            goto done;
        }
    }
    /* Surname shape of the last word (see dedup.events._surname_shape). */
    PyObject *last_token = PyList_GET_ITEM(kept_tokens, PyList_GET_SIZE(kept_tokens) - 1);
    PyObject *last_key = PyList_GET_ITEM(kept_folded, PyList_GET_SIZE(kept_folded) - 1);
    int surname = PyUnicode_GET_LENGTH(last_key) >= 2;
    if (surname) {
        surname = call_bool(last_key, str_isalpha);
    }
    if (surname > 0) {
        int upper = call_bool(last_token, str_isupper);
        surname = upper < 0 ? -1 : !upper;
    }
    PyObject *sets[] = {titles, not_names, org_words, gazetteer};
    for (int k = 0; k < 4 && surname > 0; k++) {
        int inside = contains(sets[k], last_key);
        surname = inside < 0 ? -1 : !inside;
    }
    if (surname < 0) {
        goto done;
    }
    PyObject *tt = PyList_AsTuple(kept_tokens), *ft = PyList_AsTuple(kept_folded);
    if (tt == NULL || ft == NULL) {
        Py_XDECREF(tt);
        Py_XDECREF(ft);
        goto done;
    }
    result = Py_BuildValue(
        "(NNnNOOOOOOO)", tt, ft, offset, PyBool_FromLong(titled), phrase, key,
        in_gazetteer ? Py_True : Py_False, org_word ? Py_True : Py_False,
        surname ? Py_True : Py_False, (!in_gazetteer && !org_word) ? Py_True : Py_False,
        (last - first >= 2 || titled) ? Py_True : Py_False);
done:
    Py_XDECREF(tokens);
    Py_XDECREF(folded);
    Py_XDECREF(kept_tokens);
    Py_XDECREF(kept_folded);
    Py_XDECREF(key);
    Py_XDECREF(phrase);
    return result;
}

static PyMethodDef methods[] = {
    {"line_keys", (PyCFunction)(void (*)(void))line_keys, METH_FASTCALL,
     "line_keys(text, fallback) -> list[str]: the site-chrome key of every line."},
    {"run_parts", (PyCFunction)(void (*)(void))run_parts, METH_FASTCALL,
     "run_parts(seq, fold, titles, not_names, not_titles, org_words, gazetteer, folded): a run's parts."},
    {"name_runs", (PyCFunction)(void (*)(void))name_runs, METH_FASTCALL,
     "name_runs(text, spans, dl_start, dl_end, runs, make_run, parents, lower, people, names, singles, visit, orgs)."},
    {"cap_runs", (PyCFunction)(void (*)(void))cap_runs, METH_FASTCALL,
     "cap_runs(text, openers) -> bytes: (start, end) int32 pairs of capitalised runs."},
    {"scan", (PyCFunction)(void (*)(void))scan, METH_FASTCALL,
     "scan(text, index, words[, cache]) -> (ids, lower): token ids and the ids of tokens written in lower case (int32 bytes)."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {
    PyModuleDef_HEAD_INIT, "_scan", "Compiled text-pass kernels of dedup (see _compiled.py).", -1, methods,
};

PyMODINIT_FUNC
PyInit__scan(void)
{
    str_lower = PyUnicode_InternFromString("lower");
    str_isalpha = PyUnicode_InternFromString("isalpha");
    str_isupper = PyUnicode_InternFromString("isupper");
    str_space = PyUnicode_InternFromString(" ");
    if (str_lower == NULL || str_isalpha == NULL || str_isupper == NULL || str_space == NULL) {
        return NULL;
    }
    PyObject *m = PyModule_Create(&module);
    if (m != NULL && PyModule_AddIntConstant(m, "SLOT_SIZE", (long)sizeof(Slot)) < 0) {
        Py_DECREF(m);
        return NULL;
    }
    return m;
}
