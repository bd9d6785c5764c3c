package com.tailf.ncs.template;

import com.tailf.conf.ConfException;
import com.tailf.conf.NotAvailable;
import com.tailf.dp.services.ServiceContext;
import com.tailf.navu.NavuContext;
import com.tailf.navu.NavuNode;

/** A package's XML template, applied from service code. */
public class Template {
    private final String name;

    public Template(ServiceContext context, String name) { this.name = name; }
    public Template(NavuContext context, String name) { this.name = name; }

    public String getName() { return name; }
    public void apply(NavuNode context, TemplateVariables variables) throws ConfException {
        throw new NotAvailable("Template.apply");
    }
}
