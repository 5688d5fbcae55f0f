/* The one hot loop of the text pass, compiled: split a text into word tokens, lower-case them,
 * and number them against a growing vocabulary.
 *
 * scan(text, index, words) -> (ids, lower)
 *   text   str: the text to scan
 *   index  dict: lower-cased token -> id (new tokens are added)
 *   words  list: id -> lower-cased token (new tokens are appended)
 *   ids    bytes: the token ids, int32 in machine order
 *   lower  set: the tokens the text writes in lower case somewhere
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

static PyObject *str_lower; /* interned "lower" */

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

static PyObject *
scan(PyObject *module, PyObject *const *args, Py_ssize_t nargs)
{
    if (nargs != 3) {
        PyErr_SetString(PyExc_TypeError, "scan() takes exactly 3 arguments (text, index, words)");
        return NULL;
    }
    PyObject *text = args[0], *index = args[1], *words = args[2];
    if (!PyUnicode_Check(text) || !PyDict_Check(index) || !PyList_Check(words)) {
        PyErr_SetString(PyExc_TypeError, "scan() takes (str, dict, list)");
        return NULL;
    }
    if (PyUnicode_READY(text) < 0) {
        return NULL;
    }
    const int kind = PyUnicode_KIND(text);
    const void *data = PyUnicode_DATA(text);
    const Py_ssize_t n = PyUnicode_GET_LENGTH(text);
    Out out = {NULL, 0, 0};
    Py_ssize_t i = 0;
    PyObject *lower_words = PySet_New(NULL);
    if (lower_words == NULL) {
        return NULL;
    }

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
        if (id < 0 || out_push(&out, (int32_t)id) < 0 || (lower && PySet_Add(lower_words, key) < 0)) {
            Py_DECREF(key);
            goto fail;
        }
        Py_DECREF(key);
    }
    PyObject *ids = PyBytes_FromStringAndSize((const char *)out.ids, out.len * sizeof(int32_t));
    PyMem_Free(out.ids);
    if (ids == NULL) {
        Py_DECREF(lower_words);
        return NULL;
    }
    PyObject *result = PyTuple_Pack(2, ids, lower_words);
    Py_DECREF(ids);
    Py_DECREF(lower_words);
    return result;

fail:
    PyMem_Free(out.ids);
    Py_DECREF(lower_words);
    return NULL;
}

static PyMethodDef methods[] = {
    {"scan", (PyCFunction)(void (*)(void))scan, METH_FASTCALL,
     "scan(text, index, words) -> (ids, lower): token ids (int32 bytes), lower-case tokens (set)."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {
    PyModuleDef_HEAD_INIT, "_scan", "Compiled token scan of dedup.vocabulary.", -1, methods,
};

PyMODINIT_FUNC
PyInit__scan(void)
{
    str_lower = PyUnicode_InternFromString("lower");
    if (str_lower == NULL) {
        return NULL;
    }
    return PyModule_Create(&module);
}
