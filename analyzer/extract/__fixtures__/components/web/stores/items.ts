/* eslint-disable */
// @ts-nocheck -- fixture: imports packages that are not installed (vue).
import { ref } from 'vue';

export function useItems() {
  const items = ref<Array<{ id: number; name: string; price: number }>>([]);
  void fetch('/api/items')
    .then((response) => response.json())
    .then((list: Array<{ id: number; name: string; price: number }>) => (items.value = list));
  return { items };
}
