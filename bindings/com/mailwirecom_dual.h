/* mailwirecom_dual.h: what the generated vtables of the dual interfaces
 * (mailwirecom_dual.c, from mailwire.idl) and the rest of the shim share.
 * It does not include mailwire.h: the type library's enums carry the same
 * MW_E_* names as that header's macros. */
#ifndef MAILWIRECOM_DUAL_H
#define MAILWIRECOM_DUAL_H

#include <windows.h>
#include <oleauto.h>

/* struct mwcom_dual is one class's dual interface: its IID and vtable. */
struct mwcom_dual {
    const IID *iid;
    const void *vtbl;
};

extern const struct mwcom_dual mwcom_dual_IMwMessage, mwcom_dual_IMwSmtp, mwcom_dual_IMwPop3, mwcom_dual_IMwPool,
    mwcom_dual_IMwServer, mwcom_dual_IMwOAuth2, mwcom_dual_IMwKeywords, mwcom_dual_IMwImap;

/* mwcom_dispatch is the IDispatch every object implements (mailwirecom.c);
 * each dual vtable begins with it. */
extern const IDispatchVtbl mwcom_dispatch;

/* mwcom_vcall runs member id of object self, as IDispatch::Invoke with
 * flags would, with the n arguments in args (in calling order; the value
 * last for a property put).  When rt is not VT_EMPTY, the result is
 * converted to rt and stored in *ret (a VARIANT for VT_VARIANT).  A
 * failure that a script would see as a raised error is returned as its
 * HRESULT with the description set as the thread's IErrorInfo. */
HRESULT mwcom_vcall(void *self, DISPID id, WORD flags, UINT n, VARIANT *args, VARTYPE rt, void *ret);

#endif
