package com.tailf.conf;

/** A leaf-list value. */
public class ConfList extends ConfValue {
    private static final long serialVersionUID = 1L;
    private final ConfObject[] elements;

    public ConfList() { this.elements = new ConfObject[0]; }
    public ConfList(ConfObject[] elements) { this.elements = elements.clone(); }

    public ConfObject[] elements() { return elements.clone(); }
    public int size() { return elements.length; }
    @Override public String toString() {
        StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < elements.length; i++) {
            sb.append(i == 0 ? "" : " ").append(elements[i]);
        }
        return sb.append("]").toString();
    }
}
