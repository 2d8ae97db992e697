import { SerialPort } from 'serialport';

/** One open serial port, as the drivers need it. The seam between drivers and `serialport`. */
export interface SerialLink {
  write(bytes: Uint8Array): Promise<void>;
  close(): Promise<void>;
  onData(listener: (bytes: Buffer) => void): void;
  /** Called once when the port goes away (unplugged, far end gone, or closed by us). */
  onClose(listener: () => void): void;
}

export interface SerialLinkFactory {
  open(devnode: string, baudRate: number): Promise<SerialLink>;
}

/** The real factory: `serialport` on the device node (a USB tty, a UART, or a pty from socat). */
export const serialPortFactory: SerialLinkFactory = {
  open(devnode, baudRate) {
    return new Promise((resolve, reject) => {
      const port = new SerialPort({ path: devnode, baudRate, autoOpen: false });
      port.open((error) => {
        if (error) reject(error);
        else resolve(new SerialPortLink(port));
      });
    });
  },
};

class SerialPortLink implements SerialLink {
  /** Writes in flight; a port that closes under them may never call back, so they are failed on close. */
  private readonly pending = new Set<(error: Error) => void>();

  constructor(private readonly port: SerialPort) {
    // Errors after open (EIO when the far end disappears) are followed by 'close'; handled there.
    port.on('error', () => undefined);
    port.once('close', () => {
      for (const fail of this.pending) fail(new Error('port closed'));
      this.pending.clear();
    });
  }

  write(bytes: Uint8Array): Promise<void> {
    if (!this.port.isOpen) return Promise.reject(new Error('port closed'));
    return new Promise((resolve, reject) => {
      const fail = (error: Error): void => {
        this.pending.delete(fail);
        reject(error);
      };
      this.pending.add(fail);
      this.port.write(Buffer.from(bytes), (error) => {
        if (error) return fail(error);
        this.port.drain((drainError) => {
          if (drainError) return fail(drainError);
          this.pending.delete(fail);
          resolve();
        });
      });
    });
  }

  close(): Promise<void> {
    if (!this.port.isOpen) return Promise.resolve();
    return new Promise((resolve) => this.port.close(() => resolve()));
  }

  onData(listener: (bytes: Buffer) => void): void {
    this.port.on('data', listener);
  }

  onClose(listener: () => void): void {
    this.port.once('close', listener);
  }
}
