"""Every I/O of cep toward other systems: the channel senders (webhook, Slack, SMTP, api, ops), the gRPC
clients to api_manager and ops, and the service tokens those clients carry. Use cases (``app``) call them."""
