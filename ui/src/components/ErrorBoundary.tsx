import { Component, type ErrorInfo, type ReactNode } from 'react';

interface State {
  error: Error | null;
}

/** Whatever breaks while rendering, the page says so in words and offers a way out; never a blank screen. */
export class ErrorBoundary extends Component<{ children: ReactNode }, State> {
  state: State = { error: null };

  static getDerivedStateFromError(error: Error): State {
    return { error };
  }

  componentDidCatch(error: Error, info: ErrorInfo): void {
    console.error('Warden UI failed', error, info.componentStack);
  }

  render() {
    if (!this.state.error) {
      return this.props.children;
    }
    return (
      <main className="fatal" role="alert">
        <h1>Something went wrong on this page</h1>
        <p>
          The page hit a problem it could not recover from: <code>{this.state.error.message || 'unknown error'}</code>.
          Your conversation is safe on the service.
        </p>
        <div className="fatal-actions">
          <button type="button" className="primary" onClick={() => location.reload()}>
            Reload the page
          </button>
          <button
            type="button"
            onClick={() => {
              const url = new URL(location.href);
              url.searchParams.delete('session');
              try {
                localStorage.removeItem('warden.session');
              } catch {
                // ignore
              }
              location.href = url.href;
            }}
          >
            Start a new chat
          </button>
        </div>
      </main>
    );
  }
}
