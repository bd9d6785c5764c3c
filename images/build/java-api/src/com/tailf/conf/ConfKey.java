package com.tailf.conf;

/** The key of a list entry. */
public class ConfKey extends ConfObject {
    private static final long serialVersionUID = 1L;
    private final ConfObject[] elements;

    public ConfKey(ConfObject[] elements) { this.elements = elements.clone(); }
    public ConfKey(ConfObject element) { this.elements = new ConfObject[] {element}; }
    public ConfKey(String value) { this.elements = new ConfObject[] {new ConfBuf(value)}; }

    public ConfObject elementAt(int i) { return elements[i]; }
    public ConfObject[] elements() { return elements.clone(); }
    public int size() { return elements.length; }
    @Override public String toString() {
        StringBuilder sb = new StringBuilder("{");
        for (int i = 0; i < elements.length; i++) {
            sb.append(i == 0 ? "" : " ").append(elements[i]);
        }
        return sb.append("}").toString();
    }
}
