// A Node client that has no .proto file: it lists a server's services through reflection (v1 or v1alpha),
// fetches the descriptor of one service, builds a client from it and calls a method with a bearer token.
// Usage: node reflect_and_call.js HOST:PORT VERSION SERVICE METHOD TOKEN; prints one JSON line.
'use strict';
const grpc = require('@grpc/grpc-js');
const { GrpcReflection } = require('grpc-js-reflection-client');

async function main() {
  const [target, version, service, method, token] = process.argv.slice(2);
  const reflection = new GrpcReflection(target, grpc.credentials.createInsecure(), {}, version);
  const services = await reflection.listServices();
  const descriptor = await reflection.getDescriptorBySymbol(service);
  const root = descriptor.getPackageObject({ keepCase: true, longs: String, enums: String, defaults: true });
  let Client = root;
  for (const part of service.split('.')) Client = Client[part];
  const client = new Client(target, grpc.credentials.createInsecure());
  const metadata = new grpc.Metadata();
  metadata.set('authorization', `Bearer ${token}`);
  const reply = await new Promise((resolve, reject) => {
    client[method]({}, metadata, { deadline: Date.now() + 10000 }, (err, res) => (err ? reject(err) : resolve(res)));
  });
  client.close();
  console.log(JSON.stringify({ services, reply }));
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(JSON.stringify({ error: String(err && err.message ? err.message : err), code: err && err.code }));
    process.exit(1);
  },
);
