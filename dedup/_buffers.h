/* Argument helpers shared by dedup's C extensions (_scan.c, _minhash.c, _pairs.c): typed buffers and
 * integer arguments, with errors that name the argument. Static inline: a module that uses
 * only some of them compiles without unused-function warnings. */
#ifndef DEDUP_BUFFERS_H
#define DEDUP_BUFFERS_H

#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <string.h>

/* A C-contiguous buffer of `obj` whose items are `itemsize` bytes in one of the struct
 * formats `formats` (numpy spells 64-bit integers "l" or "q"). */
static inline int
get_buffer(PyObject *obj, Py_buffer *view, const char *formats, Py_ssize_t itemsize, int writable,
           const char *name)
{
    if (PyObject_GetBuffer(obj, view, PyBUF_FORMAT | PyBUF_C_CONTIGUOUS | (writable ? PyBUF_WRITABLE : 0)) < 0) {
        return -1;
    }
    const char *f = view->format ? view->format : "B";
    if (*f == '<' || *f == '=' || *f == '@') {
        f++;
    }
    if (view->itemsize != itemsize || strchr(formats, *f) == NULL || f[1] != 0) {
        PyErr_Format(PyExc_TypeError, "%s has format %s, expected one of %s",
                     name, view->format, formats);
        PyBuffer_Release(view);
        return -1;
    }
    return 0;
}

typedef struct {
    int arg;               /* which argument */
    const char *formats;   /* struct formats accepted */
    Py_ssize_t itemsize;   /* bytes an item */
    int writable;
    const char *name;      /* for errors */
} BufferSpec;

/* The buffers of `count` arguments, all or none (on failure those taken are released). */
static inline int
get_buffers(PyObject *const *args, const BufferSpec *specs, int count, Py_buffer *views)
{
    for (int k = 0; k < count; k++) {
        const BufferSpec *s = &specs[k];
        if (get_buffer(args[s->arg], &views[k], s->formats, s->itemsize, s->writable, s->name) < 0) {
            while (k-- > 0) {
                PyBuffer_Release(&views[k]);
            }
            return -1;
        }
    }
    return 0;
}

static inline void
release_buffers(Py_buffer *views, int count)
{
    for (int k = 0; k < count; k++) {
        PyBuffer_Release(&views[k]);
    }
}

/* An integer argument of at least `least`, into *out; a ValueError names it otherwise. */
static inline int
size_arg(PyObject *obj, Py_ssize_t least, const char *name, Py_ssize_t *out)
{
    Py_ssize_t value = PyLong_AsSsize_t(obj);
    if (value == -1 && PyErr_Occurred()) {
        return -1;
    }
    if (value < least) {
        PyErr_Format(PyExc_ValueError, "%s must be at least %zd", name, least);
        return -1;
    }
    *out = value;
    return 0;
}

#endif
