import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { isApiError } from '../../lib/api';
import { disconnectChannel, saveChannelSettings } from './api';

type ConnectionBodies = Required<Parameters<typeof saveChannelSettings>[1]>;
type MetaChannel = 'whatsapp' | 'messenger' | 'instagram';
/** What a card sends besides the two secrets. */
type ConnectionFields<C extends MetaChannel> = Omit<ConnectionBodies[C], 'accessToken' | 'pageAccessToken' | 'appSecret'>;

/**
 * CONV-6: saving and disconnecting one of Meta's channels in Settings → Channels (WhatsApp,
 * Messenger, Instagram). The access token and app secret typed in are sent only when filled and
 * cleared once saved (they are never shown again); the server's field errors are read as
 * `<channel>.<field>`; a disconnect clears the secrets, lets the card empty its other fields, and
 * reloads the settings.
 */
export function useChannelConnection<C extends MetaChannel>(
  workspaceId: string,
  channel: C,
  { fields: fieldsToSave, onDisconnected }: { fields: () => ConnectionFields<C>; onDisconnected: () => void },
) {
  const queryClient = useQueryClient();
  const [token, setToken] = useState('');
  const [appSecret, setAppSecret] = useState('');
  const clearSecrets = () => {
    setToken('');
    setAppSecret('');
  };
  const tokenKey = channel === 'whatsapp' ? 'accessToken' : 'pageAccessToken';
  const save = useMutation({
    mutationFn: () =>
      saveChannelSettings(workspaceId, {
        [channel]: { ...fieldsToSave(), ...(token.trim() ? { [tokenKey]: token.trim() } : {}), ...(appSecret.trim() ? { appSecret: appSecret.trim() } : {}) },
      }),
    onSuccess: (data) => {
      clearSecrets();
      disconnect.reset();
      queryClient.setQueryData(['channel-settings', workspaceId], data);
    },
  });
  const disconnect = useMutation({
    mutationFn: () => disconnectChannel(workspaceId, channel),
    onSuccess: () => {
      clearSecrets();
      // "Saved." from before no longer holds.
      save.reset();
      onDisconnected();
      void queryClient.invalidateQueries({ queryKey: ['channel-settings', workspaceId] });
    },
  });
  const fields = isApiError(save.error) ? (save.error.details?.fields as Record<string, string> | undefined) : undefined;
  const submit = (e: FormEvent) => {
    e.preventDefault();
    save.mutate();
  };
  return { token, setToken, appSecret, setAppSecret, save, disconnect, fields, fieldError: (name: string) => fields?.[`${channel}.${name}`], submit };
}
