package com.tailf.dp.annotations;

import com.tailf.dp.proto.DataCBType;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/** Marks a method as a DataCallback (see DataCBType for the kinds). */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface DataCallback {
    String callPoint();
    DataCBType[] callType();
}
