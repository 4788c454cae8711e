import type { Home } from '../../../server/modules/home/home.contract';
import { api } from '../../lib/api';

export type { Home };

export const homeKeys = { one: (workspaceId: string) => ['home', workspaceId] as const };

export const fetchHome = (workspaceId: string) => api.get<Home>(`/api/workspaces/${encodeURIComponent(workspaceId)}/home`);
