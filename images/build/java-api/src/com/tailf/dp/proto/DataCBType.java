package com.tailf.dp.proto;

/** Kinds of Data callbacks. */
public enum DataCBType {
    GET_ELEM,
    GET_NEXT,
    SET_ELEM,
    CREATE,
    REMOVE,
    EXISTS_OPTIONAL,
    NUM_INSTANCES,
    GET_OBJECT,
    GET_NEXT_OBJECT,
    FIND_NEXT,
    SET_CASE,
    GET_CASE,
    SET_ATTR,
    GET_ATTR,
    MOVE_AFTER,
    WRITE_ALL;
}
