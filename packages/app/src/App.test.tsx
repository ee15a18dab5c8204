import { render, screen } from '@testing-library/react';
import app from './App';

describe('App', () => {
  it('renders the guest sign-in page', async () => {
    process.env = {
      NODE_ENV: 'test',
      APP_CONFIG: [
        {
          data: {
            app: { title: 'Test', baseUrl: 'http://localhost:3000' },
            backend: { baseUrl: 'http://localhost:7007' },
          },
          context: 'test',
        },
      ] as any,
    };
    render(app.createRoot());
    expect(
      await screen.findByText('Guest', {}, { timeout: 10_000 }),
    ).toBeInTheDocument();
  });
});
