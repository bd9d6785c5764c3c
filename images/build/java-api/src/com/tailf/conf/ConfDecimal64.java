package com.tailf.conf;

import java.math.BigDecimal;

/** A decimal64 value. */
public class ConfDecimal64 extends ConfValue {
    private static final long serialVersionUID = 1L;
    private final BigDecimal value;

    public ConfDecimal64(String value) { this.value = new BigDecimal(value.trim()); }
    public ConfDecimal64(long value, int fractionDigits) { this.value = BigDecimal.valueOf(value, fractionDigits); }

    public BigDecimal decimalValue() { return value; }
    public double doubleValue() { return value.doubleValue(); }
    @Override public String toString() { return value.toPlainString(); }
}
