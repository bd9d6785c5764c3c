"""The l3vpn service: applies l3vpn-template with the VLAN and route distinguisher."""
import ncs
from ncs.application import Service


class L3vpnService(Service):
    @Service.create
    def cb_create(self, tctx, root, service, proplist):
        self.log.info('Service create(service=', service._path, ')')
        variables = ncs.template.Variables()
        variables.add('VLAN', service.vlan)
        variables.add('RD', service.rd or '65000:%d' % service.vlan)
        template = ncs.template.Template(service)
        template.apply('l3vpn-template', variables)


class Main(ncs.application.Application):
    def setup(self):
        self.log.info('Main RUNNING')
        self.register_service('l3vpn-servicepoint', L3vpnService)

    def teardown(self):
        self.log.info('Main FINISHED')
