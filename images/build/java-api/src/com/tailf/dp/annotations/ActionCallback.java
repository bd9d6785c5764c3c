package com.tailf.dp.annotations;

import com.tailf.dp.proto.ActionCBType;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/** Marks a method as a ActionCallback (see ActionCBType for the kinds). */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface ActionCallback {
    String callPoint();
    ActionCBType[] callType();
}
