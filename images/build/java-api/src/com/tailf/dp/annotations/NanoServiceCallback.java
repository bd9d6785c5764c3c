package com.tailf.dp.annotations;

import com.tailf.dp.proto.NanoServiceCBType;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/** Marks a method as the callback of one nano-service state. */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface NanoServiceCallback {
    String servicePoint();
    String componentType();
    String state();
    NanoServiceCBType[] callType();
}
