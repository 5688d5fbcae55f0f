/* MinHash signatures of word shingles, compiled: the loop of dedup.fingerprint without the
 * (permutations x shingles) matrix numpy builds.
 *
 * signatures(ids, bounds, hashes, size, a, b, out, counts)
 *   ids     int32 buffer: the token ids of all documents, one after the other
 *   bounds  int64 buffer of n + 1 offsets: document d is ids[bounds[d]:bounds[d + 1]]
 *   hashes  uint64 buffer: the stable 32-bit hash of every token id
 *   size    int: words per shingle
 *   a, b    uint64 buffers of num_perm multipliers and offsets
 *   out     writable uint32 buffer of n * num_perm values: the signatures
 *   counts  writable int64 buffer of n values: shingles per document
 *
 * Shingle j of a document mixes the hashes of its tokens j .. j + size - 1 exactly as
 * dedup.fingerprint._combine does (a text shorter than `size` words is one shingle of all its
 * words; an empty one has none and keeps 0xFFFFFFFF). Permutation p of a shingle hash x is
 * ((a[p] * x + b[p]) mod 2**64) >> 32, computed as
 *     (uint32)((lo(a[p]) * x + b[p]) >> 32) + hi(a[p]) * x   (mod 2**32)
 * which is the same number (x < 2**32) with one 32 x 32 -> 64-bit multiply, which vector units
 * have, instead of a 64 x 64-bit one, which they lack. The tests check the result equals the
 * numpy path value for value.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <stdint.h>
#include <string.h>

#include "_buffers.h"

#define MIX 0x9E3779B97F4A7C15ULL
#define MAX_PERM 1024

static inline uint64_t
finish(uint64_t acc)
{
    acc ^= acc >> 29;
    acc *= MIX;
    acc ^= acc >> 32;
    return acc & 0xFFFFFFFFULL;
}

#if defined(__GNUC__) && !defined(__clang__) && defined(__x86_64__) && defined(__linux__)
#define CLONES __attribute__((target_clones("avx2", "default")))
#else
#define CLONES
#endif

/* The minima over `count` shingle hashes of every permutation, into sig (num_perm values). */
CLONES static void
minima(const uint32_t *shingles, Py_ssize_t count, const uint32_t *a_lo, const uint32_t *a_hi,
       const uint64_t *b, Py_ssize_t num_perm, uint32_t *restrict sig)
{
    for (Py_ssize_t j = 0; j < count; j++) {
        const uint32_t x = shingles[j];
        for (Py_ssize_t p = 0; p < num_perm; p++) {
            uint32_t v = (uint32_t)(((uint64_t)a_lo[p] * x + b[p]) >> 32) + a_hi[p] * x;
            sig[p] = v < sig[p] ? v : sig[p];
        }
    }
}

static PyObject *
signatures(PyObject *module, PyObject *const *args, Py_ssize_t nargs)
{
    if (nargs != 8) {
        PyErr_SetString(PyExc_TypeError, "signatures() takes (ids, bounds, hashes, size, a, b, out, counts)");
        return NULL;
    }
    Py_ssize_t size;
    if (size_arg(args[3], 1, "signatures(): size", &size) < 0) {
        return NULL;
    }
    static const BufferSpec specs[] = {
        {0, "il", 4, 0, "ids"}, {1, "lq", 8, 0, "bounds"}, {2, "LQ", 8, 0, "hashes"},
        {4, "LQ", 8, 0, "a"}, {5, "LQ", 8, 0, "b"}, {6, "IL", 4, 1, "out"}, {7, "lq", 8, 1, "counts"},
    };
    Py_buffer views[7];
    PyObject *result = NULL;
    uint32_t *shingles = NULL, *a_lo = NULL, *a_hi = NULL;
    if (get_buffers(args, specs, 7, views) < 0) {
        return NULL;
    }
    const int32_t *ids = views[0].buf;
    const int64_t *bounds = views[1].buf;
    const uint64_t *hashes = views[2].buf, *a = views[3].buf, *b = views[4].buf;
    uint32_t *out = views[5].buf;
    int64_t *counts = views[6].buf;
    const Py_ssize_t n_ids = views[0].len / 4, n_docs = views[1].len / 8 - 1;
    const Py_ssize_t n_hashes = views[2].len / 8, num_perm = views[3].len / 8;
    if (n_docs < 0 || views[4].len / 8 != num_perm || num_perm > MAX_PERM
        || views[5].len / 4 != n_docs * num_perm || views[6].len / 8 != n_docs) {
        PyErr_SetString(PyExc_ValueError,
                        "signatures(): bounds, a, b, out and counts disagree on their sizes");
        goto done;
    }
    Py_ssize_t longest = 0;
    for (Py_ssize_t d = 0; d < n_docs; d++) {
        if (bounds[d] < 0 || bounds[d + 1] < bounds[d] || bounds[d + 1] > n_ids) {
            PyErr_SetString(PyExc_ValueError, "signatures(): a document's bounds lie outside ids");
            goto done;
        }
        if (bounds[d + 1] - bounds[d] > longest) {
            longest = bounds[d + 1] - bounds[d];
        }
    }
    for (Py_ssize_t k = 0; k < n_ids; k++) {
        if (ids[k] < 0 || ids[k] >= n_hashes) {
            PyErr_SetString(PyExc_ValueError, "signatures(): a token id has no hash");
            goto done;
        }
    }
    shingles = PyMem_Malloc((longest + 1) * sizeof(uint32_t));
    a_lo = PyMem_Malloc(num_perm * sizeof(uint32_t) + 1);
    a_hi = PyMem_Malloc(num_perm * sizeof(uint32_t) + 1);
    if (shingles == NULL || a_lo == NULL || a_hi == NULL) {
        PyErr_NoMemory();
        goto done;
    }
    for (Py_ssize_t p = 0; p < num_perm; p++) {
        a_lo[p] = (uint32_t)a[p];
        a_hi[p] = (uint32_t)(a[p] >> 32);
    }
    Py_BEGIN_ALLOW_THREADS
    for (Py_ssize_t d = 0; d < n_docs; d++) {
        const int32_t *doc = ids + bounds[d];
        const Py_ssize_t len = bounds[d + 1] - bounds[d];
        uint32_t *sig = out + d * num_perm;
        for (Py_ssize_t p = 0; p < num_perm; p++) {
            sig[p] = 0xFFFFFFFFu;
        }
        const Py_ssize_t width = len < size ? len : size;
        const Py_ssize_t count = len == 0 ? 0 : len - width + 1;
        for (Py_ssize_t j = 0; j < count; j++) {
            uint64_t acc = 0;
            for (Py_ssize_t i = 0; i < width; i++) {
                acc = (acc * MIX) ^ hashes[doc[j + i]];
            }
            shingles[j] = (uint32_t)finish(acc);
        }
        minima(shingles, count, a_lo, a_hi, b, num_perm, sig);
        counts[d] = count;
    }
    Py_END_ALLOW_THREADS
    Py_INCREF(Py_None);
    result = Py_None;
done:
    PyMem_Free(shingles);
    PyMem_Free(a_lo);
    PyMem_Free(a_hi);
    release_buffers(views, 7);
    return result;
}

static PyMethodDef methods[] = {
    {"signatures", (PyCFunction)(void (*)(void))signatures, METH_FASTCALL,
     "signatures(ids, bounds, hashes, size, a, b, out, counts): MinHash signatures of word shingles."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {
    PyModuleDef_HEAD_INIT, "_minhash", "Compiled MinHash signatures of dedup.fingerprint.", -1, methods,
};

PyMODINIT_FUNC
PyInit__minhash(void)
{
    return PyModule_Create(&module);
}
