// The ncs.conf language server: a thin LSP face over ncsconf/.
import { createConnection, ProposedFeatures } from 'vscode-languageserver/node';
import { startNcsConfServer } from './ncsConfServer';

const connection = createConnection(ProposedFeatures.all);
startNcsConfServer(connection);
connection.listen();
