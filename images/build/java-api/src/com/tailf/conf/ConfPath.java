package com.tailf.conf;

/** A keypath, e.g. /ncs:devices/device{ce0}. */
public class ConfPath extends ConfObject {
    private static final long serialVersionUID = 1L;
    private final String path;

    public ConfPath(String fmt, Object... args) throws ConfException { this.path = String.format(fmt, args); }
    public ConfPath(ConfObject[] kp) {
        StringBuilder sb = new StringBuilder();
        for (int i = kp.length - 1; i >= 0; i--) {
            sb.append(kp[i] instanceof ConfKey ? "" : "/").append(kp[i]);
        }
        this.path = sb.toString();
    }

    public ConfObject[] getKP() throws ConfException { throw new NotAvailable("ConfPath.getKP"); }
    public String toString() { return path; }
}
