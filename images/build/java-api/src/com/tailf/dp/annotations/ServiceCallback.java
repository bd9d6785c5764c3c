package com.tailf.dp.annotations;

import com.tailf.dp.proto.ServiceCBType;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/** Marks a method as a ServiceCallback (see ServiceCBType for the kinds). */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface ServiceCallback {
    String servicePoint();
    ServiceCBType[] callType();
}
