import type { experimental } from '@grpc/grpc-js';
import type { TlsMaterial } from './material.js';

type Provider = experimental.CertificateProvider;
type CaListener = experimental.CaCertificateUpdateListener;
type IdentityListener = experimental.IdentityCertificateUpdateListener;

/**
 * A grpc-js certificate provider whose CA, certificate and key are replaced by `update`, not by
 * polling files: the node rereads and checks its files (on SIGHUP, or when its file watch sees them
 * change) and only then hands them over, so a half-written or wrong file is never used. grpc-js builds the TLS context of every new
 * connection (server and channel side) from the latest update; connections already open, and the
 * streams on them, keep the context they were made with.
 */
export class ReloadableCertificates implements Provider {
  private readonly caListeners = new Set<CaListener>();
  private readonly identityListeners = new Set<IdentityListener>();
  private readonly updateListeners = new Set<(material: TlsMaterial) => void>();

  constructor(private current: TlsMaterial) {}

  /** The material in use. */
  get material(): TlsMaterial {
    return this.current;
  }

  /** Use `material` for every connection made from now on. */
  update(material: TlsMaterial): void {
    this.current = material;
    for (const l of this.caListeners) l({ caCertificate: material.ca });
    for (const l of this.identityListeners) l({ certificate: material.cert, privateKey: material.key });
    for (const l of this.updateListeners) l(material);
  }

  /** Calls `listener` after every `update` (for TLS servers outside grpc-js); returns the unsubscribe. */
  onUpdate(listener: (material: TlsMaterial) => void): () => void {
    this.updateListeners.add(listener);
    return () => this.updateListeners.delete(listener);
  }

  addCaCertificateListener(listener: CaListener): void {
    this.caListeners.add(listener);
    const ca = this.current.ca;
    process.nextTick(() => listener({ caCertificate: ca }));
  }

  removeCaCertificateListener(listener: CaListener): void {
    this.caListeners.delete(listener);
  }

  addIdentityCertificateListener(listener: IdentityListener): void {
    this.identityListeners.add(listener);
    const { cert, key } = this.current;
    process.nextTick(() => listener({ certificate: cert, privateKey: key }));
  }

  removeIdentityCertificateListener(listener: IdentityListener): void {
    this.identityListeners.delete(listener);
  }
}
