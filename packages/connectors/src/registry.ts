import type { ConnectorFactory, NetworkName } from './connector.ts';

/** Maps a network name to the factory that builds its connectors; composed once at start. */
export class ConnectorRegistry {
  private readonly factories = new Map<NetworkName, ConnectorFactory>();

  register(factory: ConnectorFactory): this {
    if (this.factories.has(factory.network)) {
      throw new Error(`A connector for network "${factory.network}" is already registered`);
    }
    this.factories.set(factory.network, factory);
    return this;
  }

  get(network: NetworkName): ConnectorFactory {
    const factory = this.factories.get(network);
    if (!factory) throw new Error(`No connector registered for network "${network}"`);
    return factory;
  }

  networks(): NetworkName[] {
    return [...this.factories.keys()];
  }
}
