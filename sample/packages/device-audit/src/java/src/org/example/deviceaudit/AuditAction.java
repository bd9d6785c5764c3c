package org.example.deviceaudit;

import com.tailf.conf.ConfBuf;
import com.tailf.conf.ConfObject;
import com.tailf.conf.ConfTag;
import com.tailf.conf.ConfXMLParam;
import com.tailf.conf.ConfXMLParamValue;
import com.tailf.dp.DpActionTrans;
import com.tailf.dp.DpCallbackException;
import com.tailf.dp.annotations.ActionCallback;
import com.tailf.dp.proto.ActionCBType;
import org.example.deviceaudit.namespaces.deviceAudit;

/** Answers /device-audit/run with a one-line summary of the named device. */
public class AuditAction {

    @ActionCallback(callPoint = "device-audit-action", callType = ActionCBType.ACTION)
    public ConfXMLParam[] run(DpActionTrans trans, ConfTag name, ConfObject[] kp,
                              ConfXMLParam[] params) throws DpCallbackException {
        if (params.length == 0) {
            throw new DpCallbackException("device-audit: no device given");
        }
        String device = params[0].getValue().toString();
        String summary = "audited " + device;
        return new ConfXMLParam[] {
            new ConfXMLParamValue(deviceAudit.hash, deviceAudit._summary, new ConfBuf(summary))
        };
    }
}
