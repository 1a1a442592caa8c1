import { z } from 'zod';
import { NoInput } from '../schemas/common';
import { ModelSummary, ProviderTestInput, ProviderTestResult, ProvidersStatus } from '../schemas/models';
import { route, type EventMap, type RouteMap } from './route';

export const modelsRoutes = {
  'providers.status': route(
    NoInput,
    ProvidersStatus,
    'Each model provider: reachable or why not, whether a key is set (never the key), its models; and the default chain.',
  ),
  'providers.listOllamaModels': route(NoInput, z.array(ModelSummary), 'The models installed in Ollama (fails with `unavailable` when Ollama is not reachable).'),
  'providers.test': route(ProviderTestInput, ProviderTestResult, 'Sends a one-line prompt to one provider and reports the answer or the classified error.'),
} satisfies RouteMap;

export const modelsEvents = {} satisfies EventMap;
